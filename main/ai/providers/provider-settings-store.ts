import type { Library } from '../../library/library.js';
import { REMOTE_PROVIDER_IDS, type RemoteProviderId } from './provider-catalog.js';
import { DEFAULT_PROVIDER_LIMITS, DEFAULT_PROVIDER_SETTINGS, providerLimitsSchema, type ProviderSettings } from './provider-settings.js';

/** Where providers' settings live; small so the registry does not care whether it is SQLite or memory. */
export interface ProviderSettingsStore {
  /** The provider's settings, or the defaults (off) when none were saved. */
  get(id: RemoteProviderId): ProviderSettings;
  save(id: RemoteProviderId, settings: ProviderSettings): Promise<void>;
  /** Back to the defaults; true when something was saved. */
  remove(id: RemoteProviderId): Promise<boolean>;
}

interface ProviderRow {
  enabled: number;
  base_url: string | null;
  model: string | null;
  embedding_model: string | null;
  consented_at: number | null;
  key_store: string | null;
  limits: string;
}

/**
 * Settings in the library's own database: per device, because the SQLite file is this device's
 * (only Automerge documents sync), and encrypted with the library key like everything else there.
 * Every read goes to the database, so a CLI command that turns a provider off is seen at once by
 * a registry that another part of the same process holds.
 */
export class LibraryProviderSettingsStore implements ProviderSettingsStore {
  constructor(private readonly library: Library) {
    library.db.exec(`CREATE TABLE IF NOT EXISTS ai_providers (
      id TEXT PRIMARY KEY,
      enabled INTEGER NOT NULL,
      base_url TEXT,
      model TEXT,
      embedding_model TEXT,
      consented_at INTEGER,
      key_store TEXT,
      limits TEXT NOT NULL
    ) STRICT`);
  }

  get(id: RemoteProviderId): ProviderSettings {
    const row = this.library.db.prepare('SELECT * FROM ai_providers WHERE id = ?').get(id) as ProviderRow | undefined;
    if (!row) return DEFAULT_PROVIDER_SETTINGS;
    return {
      enabled: row.enabled === 1,
      baseUrl: row.base_url,
      model: row.model,
      embeddingModel: row.embedding_model,
      consentedAt: row.consented_at,
      keyStore: row.key_store,
      limits: readLimits(row.limits),
    };
  }

  async save(id: RemoteProviderId, settings: ProviderSettings): Promise<void> {
    if (!(REMOTE_PROVIDER_IDS as readonly string[]).includes(id)) throw new Error(`no provider "${id}"`);
    await this.library.write(async () => {
      this.library.db
        .prepare(
          `INSERT INTO ai_providers (id, enabled, base_url, model, embedding_model, consented_at, key_store, limits) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, base_url = excluded.base_url, model = excluded.model, embedding_model = excluded.embedding_model,
             consented_at = excluded.consented_at, key_store = excluded.key_store, limits = excluded.limits`,
        )
        .run(id, settings.enabled ? 1 : 0, settings.baseUrl, settings.model, settings.embeddingModel, settings.consentedAt, settings.keyStore, JSON.stringify(settings.limits));
    });
  }

  async remove(id: RemoteProviderId): Promise<boolean> {
    return this.library.write(async () => this.library.db.prepare('DELETE FROM ai_providers WHERE id = ?').run(id).changes > 0);
  }
}

/** Limits written by another version may not parse: the defaults are safe, and enabling again rewrites them. */
function readLimits(text: string): ProviderSettings['limits'] {
  try {
    const parsed = providerLimitsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : DEFAULT_PROVIDER_LIMITS;
  } catch {
    return DEFAULT_PROVIDER_LIMITS;
  }
}

/** Settings held in this process only: for tests and throwaway registries. */
export class MemoryProviderSettingsStore implements ProviderSettingsStore {
  readonly #settings = new Map<RemoteProviderId, ProviderSettings>();

  get(id: RemoteProviderId): ProviderSettings {
    return this.#settings.get(id) ?? DEFAULT_PROVIDER_SETTINGS;
  }

  async save(id: RemoteProviderId, settings: ProviderSettings): Promise<void> {
    this.#settings.set(id, settings);
  }

  async remove(id: RemoteProviderId): Promise<boolean> {
    return this.#settings.delete(id);
  }
}
