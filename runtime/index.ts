// access-ts-telemetry: the runtime. This list is the package's whole public surface.
//
// Every value is exported as a plain `export const`, not as `export { x } from`: the compiler
// turns a re-export into a getter on `exports`, which also drops the exports object into V8's
// slow dictionary mode, and the injected code reads `telemetryGate` from it on every call.
import { consentFilePath as consentFilePathImpl } from "./consent.js";
import { readConsent as readConsentImpl, writeConsent as writeConsentImpl } from "./consent.js";
import { UnknownServiceError as UnknownServiceErrorImpl } from "./errors.js";
import { installExitHooks } from "./exit.js";
import { ApiHandler as ApiHandlerImpl } from "./handler.js";
import {
  PRODUCTION_SERVER_URL as productionUrl,
  STAGING_SERVER_URL as stagingUrl,
} from "./limits.js";
import { TelemetryRegister as TelemetryRegisterImpl } from "./register.js";
import { registerFunc as registerFuncImpl } from "./register-func.js";
import { declareServices as declareServicesImpl } from "./services.js";
import { sessionId as sessionIdImpl, SessionID as SessionIDImpl } from "./session.js";
import { scheduleResend } from "./spool-path.js";
import { ProductionToggle as ProductionToggleImpl } from "./toggle.js";
import { telemetryGate as telemetryGateImpl, trackCall as trackCallImpl } from "./track.js";

installExitHooks();
scheduleResend();

export const ApiHandler = ApiHandlerImpl;
export type ApiHandler = ApiHandlerImpl;
export type { ServerUrlOptions, ServiceNames } from "./handler.js";
export const TelemetryRegister = TelemetryRegisterImpl;
export type TelemetryRegister = TelemetryRegisterImpl;
export type { FunctionRef } from "./register.js";
export const sessionId = sessionIdImpl;
export const SessionID = SessionIDImpl;
export type SessionID = SessionIDImpl;
export const ProductionToggle = ProductionToggleImpl;
export type ProductionToggle = ProductionToggleImpl;
export const registerFunc = registerFuncImpl;
export type { FunctionTracker, RegisterFuncOptions } from "./register-func.js";
export const UnknownServiceError = UnknownServiceErrorImpl;
export type UnknownServiceError = UnknownServiceErrorImpl;
export const consentFilePath = consentFilePathImpl;
export const readConsent = readConsentImpl;
export const writeConsent = writeConsentImpl;
export type { ConsentDecision } from "./consent.js";
export type { CountersView } from "./counters.js";
export type { JsonObject, JsonValue } from "./snapshot.js";
export const PRODUCTION_SERVER_URL = productionUrl;
export const STAGING_SERVER_URL = stagingUrl;

// For the code the transformer injects only (docs/generated-code.md).
export type { DeclareMeta, ServiceDeclaration } from "./services.js";
export const declareServices = declareServicesImpl;
export const telemetryGate = telemetryGateImpl;
export const trackCall = trackCallImpl;
