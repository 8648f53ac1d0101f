// Builds the statements the transformer adds (the shapes of docs/generated-code.md).
import type * as TS from "typescript";
import { isIdentifierName } from "./config-names.js";
import type { ArgumentsMode, ConfigService, Ts } from "./types.js";

/** A tracked declaration's record target: the service and the entry (`function` field). */
export interface TrackTarget {
  readonly service: string;
  readonly functionName: string;
}

/**
 * The runtime import, in the form the file's module format needs.
 *
 * @example
 *   import * as access_telemetry_1 from "access-ts-telemetry";   // ES module output
 *   import access_telemetry_1 = require("access-ts-telemetry");  // CommonJS output
 */
export function createRuntimeImport(
  factory: TS.NodeFactory,
  namespace: TS.Identifier,
  specifier: string,
  commonJs: boolean,
): TS.Statement {
  const moduleName = factory.createStringLiteral(specifier);
  if (commonJs) {
    const reference = factory.createExternalModuleReference(moduleName);
    return factory.createImportEqualsDeclaration(undefined, false, namespace, reference);
  }
  const clause = factory.createImportClause(
    false,
    undefined,
    factory.createNamespaceImport(namespace),
  );
  return factory.createImportDeclaration(undefined, clause, moduleName);
}

/**
 * @example
 *   access_telemetry_1.declareServices(
 *     { mypackage_run: { endpoint: "mypackage/run", functions: ["Experiment.run"] } },
 *     { configVersion: "1.2" },
 *   );
 */
export function createDeclareServices(
  factory: TS.NodeFactory,
  namespace: TS.Identifier,
  services: readonly ConfigService[],
  configVersion: string,
): TS.Statement {
  const declared = services.map((service) => {
    const functions = service.entries.map((entry) => factory.createStringLiteral(entry.name));
    const description = factory.createObjectLiteralExpression([
      factory.createPropertyAssignment("endpoint", factory.createStringLiteral(service.endpoint)),
      factory.createPropertyAssignment(
        "functions",
        factory.createArrayLiteralExpression(functions),
      ),
    ]);
    return factory.createPropertyAssignment(propertyName(factory, service.name), description);
  });

  const options = factory.createObjectLiteralExpression([
    factory.createPropertyAssignment("configVersion", factory.createStringLiteral(configVersion)),
  ]);
  const callee = factory.createPropertyAccessExpression(namespace, "declareServices");
  const call = factory.createCallExpression(callee, undefined, [
    factory.createObjectLiteralExpression(declared),
    options,
  ]);
  return factory.createExpressionStatement(call);
}

/**
 * The statement at the start of a tracked body; one `trackCall` per service naming the entry.
 *
 * @example
 *   if (access_telemetry_1.telemetryGate.enabled)
 *     access_telemetry_1.trackCall("mypackage_run", "Experiment.run", [], { config });
 */
export function createTrackStatement(
  ts: Ts,
  factory: TS.NodeFactory,
  namespace: TS.Identifier,
  targets: readonly TrackTarget[],
  parameters: readonly TS.ParameterDeclaration[],
  mode: ArgumentsMode,
): TS.Statement {
  const gate = factory.createPropertyAccessExpression(
    factory.createPropertyAccessExpression(namespace, "telemetryGate"),
    "enabled",
  );
  const calls = targets.map((target) => {
    const callee = factory.createPropertyAccessExpression(namespace, "trackCall");
    const [args, kwargs] = createArguments(ts, factory, parameters, mode);
    const service = factory.createStringLiteral(target.service);
    const name = factory.createStringLiteral(target.functionName);
    return factory.createExpressionStatement(
      factory.createCallExpression(callee, undefined, [service, name, args, kwargs]),
    );
  });

  const [first] = calls;
  const body =
    calls.length === 1 && first !== undefined ? first : factory.createBlock(calls, false);
  return ts.setEmitFlags(factory.createIfStatement(gate, body), ts.EmitFlags.SingleLine);
}

/**
 * `[args, kwargs]` for a parameter list. Named: `(a, { b, c: [d] }, ...rest)` gives
 * `rest, { a, b, d }`. Positional: `[a, { b, c: [d] }, ...rest], {}`.
 */
export function createArguments(
  ts: Ts,
  factory: TS.NodeFactory,
  parameters: readonly TS.ParameterDeclaration[],
  mode: ArgumentsMode,
): [TS.Expression, TS.Expression] {
  const declared = parameters.filter(
    (p) => !(ts.isIdentifier(p.name) && ts.idText(p.name) === "this"),
  );

  if (mode === "positional") {
    const values = declared.map((p) => {
      const value = valueOf(ts, factory, p.name);
      return p.dotDotDotToken === undefined ? value : factory.createSpreadElement(value);
    });
    return [
      factory.createArrayLiteralExpression(values),
      factory.createObjectLiteralExpression([]),
    ];
  }

  let args: TS.Expression = factory.createArrayLiteralExpression([]);
  const kwargs: TS.ObjectLiteralElementLike[] = [];
  for (const parameter of declared) {
    if (parameter.dotDotDotToken !== undefined) {
      args = ts.isIdentifier(parameter.name)
        ? factory.createIdentifier(ts.idText(parameter.name))
        : factory.createArrayLiteralExpression(
            boundNames(ts, parameter.name).map((name) => factory.createIdentifier(name)),
          );
      continue;
    }
    for (const name of boundNames(ts, parameter.name)) {
      kwargs.push(factory.createShorthandPropertyAssignment(name));
    }
  }
  return [args, factory.createObjectLiteralExpression(kwargs)];
}

/** The names a binding binds, in source order: `{ a, b: { c }, ...d }` gives a, c, d. */
export function boundNames(ts: Ts, name: TS.BindingName): string[] {
  if (ts.isIdentifier(name)) return [ts.idText(name)];
  const names: string[] = [];
  for (const element of name.elements) {
    if (ts.isBindingElement(element)) names.push(...boundNames(ts, element.name));
  }
  return names;
}

// Rebuilds a parameter's value from what it binds: `{ a, b: [c] }` becomes `{ a, b: [c] }`,
// holding the values after defaults; computed keys cannot be re-read and are left out.
function valueOf(ts: Ts, factory: TS.NodeFactory, name: TS.BindingName): TS.Expression {
  if (ts.isIdentifier(name)) return factory.createIdentifier(ts.idText(name));

  if (ts.isArrayBindingPattern(name)) {
    const elements = name.elements.map((element) => {
      if (!ts.isBindingElement(element)) return factory.createOmittedExpression();
      const value = valueOf(ts, factory, element.name);
      return element.dotDotDotToken === undefined ? value : factory.createSpreadElement(value);
    });
    return factory.createArrayLiteralExpression(elements);
  }

  const properties: TS.ObjectLiteralElementLike[] = [];
  for (const element of name.elements) {
    const value = valueOf(ts, factory, element.name);
    if (element.dotDotDotToken !== undefined) {
      properties.push(factory.createSpreadAssignment(value));
    } else if (element.propertyName === undefined && ts.isIdentifier(element.name)) {
      properties.push(factory.createShorthandPropertyAssignment(ts.idText(element.name)));
    } else if (
      element.propertyName !== undefined &&
      !ts.isComputedPropertyName(element.propertyName)
    ) {
      const key = ts.isIdentifier(element.propertyName)
        ? ts.idText(element.propertyName)
        : factory.createStringLiteral(element.propertyName.text);
      properties.push(factory.createPropertyAssignment(key, value));
    }
  }
  return factory.createObjectLiteralExpression(properties);
}

function propertyName(factory: TS.NodeFactory, name: string): string | TS.StringLiteral {
  return isIdentifierName(name) ? name : factory.createStringLiteral(name);
}
