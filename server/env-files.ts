import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

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
