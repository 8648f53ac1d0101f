// access-ts-telemetry: the runtime. This list is the package's whole public surface.
import { installExitHooks } from "./exit.js";
import { scheduleResend } from "./spool-path.js";

installExitHooks();
scheduleResend();

export { ApiHandler } from "./handler.js";
export type { ServerUrlOptions, ServiceNames } from "./handler.js";
export { TelemetryRegister } from "./register.js";
export type { FunctionRef } from "./register.js";
export { sessionId, SessionID } from "./session.js";
export { ProductionToggle } from "./toggle.js";
export { registerFunc } from "./register-func.js";
export type { FunctionTracker, RegisterFuncOptions } from "./register-func.js";
export { UnknownServiceError } from "./errors.js";
export { consentFilePath, readConsent, writeConsent } from "./consent.js";
export type { ConsentDecision } from "./consent.js";
export type { CountersView } from "./counters.js";
export type { JsonObject, JsonValue } from "./snapshot.js";
export { PRODUCTION_SERVER_URL, STAGING_SERVER_URL } from "./limits.js";

// For the code the transformer injects only (docs/generated-code.md).
export { declareServices } from "./services.js";
export type { DeclareMeta, ServiceDeclaration } from "./services.js";
export { telemetryGate, trackCall } from "./track.js";
