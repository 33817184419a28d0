export const USAGE = `Usage: clipshot [--library DIR] COMMAND [options]

Commands:
  import PATH... [--json]            import files and folders (recursive); "-" reads text from stdin
  list [filters] [--limit N] [--json]
       filters: --kind image|video|text  --tag T  --collection C  --from DATE  --to DATE
                --has-text  --trash  --oldest  --cursor C
  search QUERY [filters] [--json]    full-text search (title, notes, text), newest first
  show ID [--json]                   one clip (an id or a unique prefix of one)
  edit ID [--title T] [--notes N]    change the title or notes
  tag ID --add T | --remove T        add or remove tags (repeatable)
  delete ID                          move to the trash
  restore ID                         bring back from the trash
  undo ID                            revert the clip's latest edit (again: redo)
  purge [--json]                     empty the trash for good and free unused blobs
  export ID --out FILE [--format F | --original]
                                     write the clip with its edits applied (format from
                                     FILE's extension: .png .jpg .webp .mp4 .webm .gif .txt),
                                     or the original file as imported
  reindex [--json]                   rebuild the search index from the documents
  verify [--json]                    check database, index, documents and blobs
  audit [--json] [--kind K] [--since DATE] | audit --verify [--json]
                                     the tamper-evident audit log (unlocks, pairing, plugins, remote AI,
                                     exports, key changes); --verify checks its hash chain and signed head
  serve [--port N] [--host H] [--sync-host H] [--sync-port N] [--sync-public-port N] [--no-sync] [--no-discovery] [--no-analysis]
        [--capture-input FILE.json] [--session-idle 30m] [--session-max 12h] [--new-certificate]
                                     open the library, serve the app at the printed URL (loopback unless --host),
                                     sync with paired devices, and run other commands through it; --capture-input
                                     holds a screenshot (described in FILE) for the capture overlay page. Beyond
                                     loopback: HTTPS with the library's own certificate (its fingerprint printed),
                                     a login with the passphrase, sessions ending after --session-idle without use
                                     or --session-max in all; --new-certificate replaces the certificate
  capture region|window|screen [--delay S] [--json]
                                     ask the running desktop app to capture (as its shortcut would), after
                                     S seconds (0-60); prints the saved clip's id
  pair [--json]                      show a pairing code and wait for another device to enter it
  pair CODE --peer HOST:PORT         pair with the device showing CODE
  pair [CODE --peer HOST:PORT] --person
                                     pair with another person's device (both sides say --person): it gets only
                                     the collections shared with that person
  person [show] [--json]             this device's person: id and fingerprint, and the other people paired
  share COLLECTION PERSON --role viewer|editor|owner
                                     share a collection with a person (a person id or fingerprint, or one of
                                     their devices' names), or change their role; owners only
  share list [--json]                who can see what: the shared collections, their members and roles
  unshare COLLECTION PERSON          revoke a person's access (what their devices already have stays on them)
  shared [COLLECTION] [--json] | shared edit COLLECTION CLIP [--title T] [--notes N]
                                     the clips of collections shared with you; edit one (editors and owners)
  devices [--json] | devices rename NAME
                                     this device and the paired ones; rename this device
  unpair DEVICE                      revoke a paired device (name, fingerprint or id)
  sync [status|digest] [--json] | sync connect HOST:PORT | sync originals all|on-demand
                                     sync progress, a digest to compare devices, connect now, originals kept here
  analyze [ID...|--all] [--json]     analyse clips now (recognised text, suggested tags), showing progress;
                                     without clips, the background queue's progress
  analyze pause|resume|cancel [ID...]|show ID
                                     pause or resume background analysis, drop queued clips, show a clip's results
  keys list|add-passphrase|change-passphrase|add-keychain|remove SLOT
                                     manage the unlock methods of the library key
  keys rotate                        a new library key: the database is re-encrypted, every slot re-wrapped
  lock                               lock the running app or serve: the library is closed, nothing is readable
  unlock [--passphrase]              unlock it ($CLIPSHOT_PASSPHRASE, else its keychain slot, else a prompt;
                                     --passphrase: ask for the passphrase even where a keychain slot exists)
  models [list] [--json] | models install ID [--yes] [--mirror URL] [--json]
  models import DIR | models remove ID
                                     on-device AI models: list with sizes and disk usage, download
                                     (asks first; resumes; verifies SHA-256), import from a folder, remove
  plugin search [TEXT] | plugin info NAME[@VERSION] [--registry URL] [--json]
                                     find plugins in the registry; info shows the permissions they ask for
  plugin install NAME[@VERSION]|FILE.tgz|DIR [--registry URL] [--yes] [--allow-unsigned]
                                     install (checks sha512 and the publisher's signature; asks for permissions,
                                     --yes: allowed); a .tgz or folder is unsigned and needs --allow-unsigned
  plugin update [ID] [--yes] | plugin rollback ID [VERSION] | plugin remove ID | plugin list [--json]
                                     newest compatible version (asks again for added permissions), go back, remove
  plugin trust add KEY|FILE --name N | trust list | trust remove FINGERPRINT
                                     the publisher keys you trust (Ed25519)
  plugin publish DIR --key FILE [--registry URL] | plugin keygen FILE | plugin registry [URL]
                                     sign and publish a plugin ($CLIPSHOT_REGISTRY_TOKEN), make a publisher key,
                                     show or set the registry (default https://registry.npmjs.org)
  ai [providers] [--json]            remote AI providers (OpenAI, Anthropic): on or off, key, base URL, model
  ai enable openai|anthropic [--base-url URL] [--model M] [--embedding-model M] [--key-stdin] [--yes]
                                     show what would be sent where, ask consent (--yes: given) and the key
  ai disable PROVIDER | ai forget PROVIDER
                                     stop all requests (keeps the key) | also delete its key and settings
  run COMMAND_ID [JSON | KEY=VALUE...] [--json]
                                     run an installed plugin's command against the library, print its result
  plugin dev DIR [--json]            run the plugin in DIR and reload it on every change, keeping its state

Library: --library DIR, else $CLIPSHOT_LIBRARY, else the per-user default.
Unlock: $CLIPSHOT_PASSPHRASE selects the passphrase; else the OS keychain; else a prompt.
Models: $CLIPSHOT_MODELS_DIR, else "models" beside the per-user default library.
Plugins: $CLIPSHOT_PLUGINS_DIR, else "plugins" beside the per-user default library.
`;
