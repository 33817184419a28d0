/**
 * The OS's own check that the person at the computer is its user (Touch ID on a Mac). It releases
 * nothing by itself: the app lock asks it before it takes the library key from the keychain slot,
 * so it is a gate in front of a key source, not a key. Plain Node (`serve`, the CLI) has none.
 */
export interface OsAuthenticator {
  /** What the OS calls it, for buttons and messages ("Touch ID"). */
  readonly name: string;
  /** Whether the OS can prompt now (hardware present, enrolled, not turned off); asked each time, as that can change. */
  offered(): boolean;
  /**
   * Prompts the person. True: the OS confirmed them; false: they were not confirmed (refused,
   * cancelled, no match). Rejects only when the prompt itself could not be made.
   */
  verify(reason: string): Promise<boolean>;
}
