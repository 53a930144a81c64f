/**
 * The run-time settings the gateway serves at /config.json: the API's URL and the anon key. Nothing is
 * baked into the bundle, so a new `.env` needs no rebuild. Loaded once before the app renders.
 */
export interface AppConfig { url: string; anonKey: string }

let loaded: AppConfig | null = null;

export async function loadConfig(fetcher: typeof fetch = fetch): Promise<AppConfig> {
  if (loaded) return loaded;
  const response = await fetcher('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`The server's /config.json answered ${response.status}`);
  const body = (await response.json()) as Partial<AppConfig>;
  if (typeof body.url !== 'string' || typeof body.anonKey !== 'string') {
    throw new Error("The server's /config.json lacks url or anonKey");
  }
  loaded = { url: body.url.replace(/\/+$/, ''), anonKey: body.anonKey };
  return loaded;
}

export function config(): AppConfig {
  if (!loaded) throw new Error('loadConfig() must finish before the app renders');
  return loaded;
}
