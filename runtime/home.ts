// The user's home and XDG base directories, from an environment snapshot. node:os is loaded
// only when HOME says nothing.
import { isAbsolute, join } from "node:path";

export function homeDir(env: NodeJS.ProcessEnv): string {
  const home = env.HOME;
  if (home !== undefined && home !== "") return home;
  const os: typeof import("node:os") = require("node:os");
  return os.homedir();
}

/** `$<variable>` when it is an absolute path (as the XDG spec asks), else `~/<fallback>`. */
export function xdgDir(env: NodeJS.ProcessEnv, variable: string, fallback: string): string {
  const value = env[variable];
  return value !== undefined && value !== "" && isAbsolute(value)
    ? value
    : join(homeDir(env), fallback);
}
