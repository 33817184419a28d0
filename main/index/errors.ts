/** A query the index cannot answer as asked (bad cursor, limit out of range, empty search…); the message is one plain sentence. */
export class InvalidQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
