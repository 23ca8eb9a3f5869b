import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from '../core/errors.js';

/**
 * Loads env/.env.<name> then env/.env.<name>.user (secrets, ignored by git). Variables already set in the
 * process environment win, so a deployment can override any file value.
 */
export function loadEnvFiles(
  name: string,
  options: { envDir?: string; processEnv?: NodeJS.ProcessEnv } = {},
): { env: Record<string, string | undefined>; files: string[] } {
  const envDir = options.envDir ?? 'env';
  const processEnv = options.processEnv ?? process.env;
  const files = [join(envDir, `.env.${name}`), join(envDir, `.env.${name}.user`)].filter((f) =>
    existsSync(f),
  );
  const fromFiles: Record<string, string> = {};
  for (const file of files) Object.assign(fromFiles, parseEnv(readFileSync(file, 'utf8')));
  return { env: { ...fromFiles, ...processEnv }, files };
}

/** Where a deployed server's settings come from, as named in configuration errors. */
export const APP_SETTINGS_SOURCE = 'the App Service application settings (process environment)';

/**
 * What the server reads at start. In production (SESAME_MODE=production in the process environment, as the App
 * Service settings set it) only the process environment: an env file that happens to be on disk, such as a stray
 * env/.env.local with the Playground switch, is never read. Otherwise env/.env.<SESAME_ENV, default local>.
 */
export function readServerEnvironment(options: { envDir?: string; processEnv?: NodeJS.ProcessEnv } = {}): {
  env: Record<string, string | undefined>;
  source: string;
} {
  const processEnv = options.processEnv ?? process.env;
  if (processEnv.SESAME_MODE?.trim() === 'production')
    return { env: { ...processEnv }, source: APP_SETTINGS_SOURCE };
  const name = processEnv.SESAME_ENV?.trim() || 'local';
  const { env, files } = loadEnvFiles(name, options);
  // No env file and no mode: a deployed build started without its settings.
  if (files.length === 0 && !processEnv.SESAME_MODE?.trim())
    throw new ConfigError(
      'SESAME_MODE',
      APP_SETTINGS_SOURCE,
      `is required: there is no env/.env.${name} here, so this is a deployment; set SESAME_MODE=production`,
    );
  return { env, source: files[0] ?? join(options.envDir ?? 'env', `.env.${name}`) };
}
