// ProductionToggle: production (the default) or staging, process-wide.
import { PRODUCTION_SERVER_URL, STAGING_SERVER_URL } from "./limits.js";
import { hasBrand, setBrand, state } from "./state.js";
import { checkBoolean } from "./validate.js";

const TOGGLE = "ProductionToggle";

export class ProductionToggle {
  /** Every `new ProductionToggle()`, in every copy of the runtime, returns the same instance. */
  constructor() {
    const existing = state.singletons.get(TOGGLE);
    if (existing instanceof ProductionToggle) return existing;
    setBrand(this, TOGGLE);
    state.singletons.set(TOGGLE, this);
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, TOGGLE);
  }

  /**
   * true (default): errors inside telemetry are swallowed and counted. false (staging): they
   * surface, and undelivered records are reported as warnings. Switching also points
   * serverUrl at the production or staging server, unless ACCESS_TELEMETRY_SERVER_URL is set.
   */
  get production(): boolean {
    return state.production;
  }

  set production(value: boolean) {
    checkBoolean("production", value);
    state.production = value;
    if (!state.serverUrlFromEnv)
      state.serverUrl = value ? PRODUCTION_SERVER_URL : STAGING_SERVER_URL;
  }
}
