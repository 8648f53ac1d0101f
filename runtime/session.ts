// The session id: 64 hex characters (32 random bytes), one per process, shared by every copy.
import { hasBrand, setBrand, state } from "./state.js";

const SESSION = "SessionID";

export function sessionId(): string {
  return state.sessionId;
}

/**
 * The session id as an object, for code that wants one: `new SessionID()` always returns the
 * same instance, and it reads as the id wherever a string is expected
 * (`String(new SessionID())`, template literals, JSON).
 */
export class SessionID {
  declare readonly value: string;

  constructor() {
    const existing = state.singletons.get(SESSION);
    if (existing instanceof SessionID) return existing;
    Object.defineProperty(this, "value", { value: state.sessionId, enumerable: true });
    setBrand(this, SESSION);
    state.singletons.set(SESSION, this);
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, SESSION);
  }

  toString(): string {
    return this.value;
  }

  valueOf(): string {
    return this.value;
  }

  toJSON(): string {
    return this.value;
  }

  [Symbol.toPrimitive](): string {
    return this.value;
  }
}
