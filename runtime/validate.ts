// Argument checks shared by the API: the wrong type is a TypeError, a bad number a RangeError.

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** An HTTP header name (an RFC 9110 token). */
export function isValidHeaderName(name: string): boolean {
  return HEADER_NAME.test(name);
}

/** A header value without control characters (so no CR or LF). */
export function isValidHeaderValue(value: string): boolean {
  return HEADER_VALUE.test(value);
}

export function checkMilliseconds(
  name: string,
  value: unknown,
  options: { allowZero: boolean },
): asserts value is number {
  const expected = options.allowZero ? "a finite number >= 0" : "a finite number > 0";
  if (typeof value !== "number") {
    throw new TypeError(
      `${name} must be ${expected}${options.allowZero ? "" : " or null"}, got ${typeName(value)}`,
    );
  }
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !options.allowZero)) {
    throw new RangeError(`${name} must be ${expected}, got ${value}`);
  }
}

export function checkBoolean(name: string, value: unknown): asserts value is boolean {
  if (typeof value !== "boolean") {
    throw new TypeError(`${name} must be true or false, got ${typeName(value)}`);
  }
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${value}`;
  return typeof value;
}
