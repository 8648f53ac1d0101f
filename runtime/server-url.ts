// Server URL checks and the one rule for building request URLs.
import { PRODUCTION_SERVER_URL, STAGING_SERVER_URL } from "./limits.js";

const REPORTING_HOSTS = new Set([
  new URL(PRODUCTION_SERVER_URL).host,
  new URL(STAGING_SERVER_URL).host,
]);

/** The URL itself when it is an absolute http(s) URL, otherwise what is wrong with it. */
export function parseServerUrl(url: string): string | { problem: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { problem: "expected an absolute http:// or https:// URL" };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return { problem: `expected an http:// or https:// URL, got ${parsed.protocol}` };
  }
  if (parsed.search !== "" || parsed.hash !== "") {
    return { problem: "expected a URL without a query or fragment" };
  }
  return url;
}

/** Why a URL does not look like the reporting server's API root; empty when it does. */
export function reportingUrlProblems(url: string): string[] {
  const problems: string[] = [];
  const parsed = new URL(url);
  if (!REPORTING_HOSTS.has(parsed.host)) {
    problems.push(
      `${redactUrl(url)} is not a reporting server URL (${[...REPORTING_HOSTS].join(", ")})`,
    );
  }
  if (!/\/api\/?$/.test(parsed.pathname)) {
    problems.push(`${redactUrl(url)} does not end in "api" or "api/"`);
  }
  return problems;
}

/**
 * `<serverUrl>/<endpoint>/` with exactly one slash between the parts and a trailing slash:
 * ("http://h/api", "mypackage/run") and ("http://h/api/", "/mypackage/run/") both give
 * "http://h/api/mypackage/run/".
 */
export function joinUrl(serverUrl: string, endpoint: string): string {
  const base = serverUrl.replace(/\/+$/, "");
  const path = endpoint.replace(/^\/+|\/+$/g, "").replace(/\/{2,}/g, "/");
  return path === "" ? `${base}/` : `${base}/${path}/`;
}

/** The URL without user name, password, query or fragment, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    parsed.search = "";
    parsed.hash = "";
    return parsed.href;
  } catch {
    return "(invalid URL)";
  }
}
