/** A query the index cannot answer as asked (bad cursor, limit out of range, empty search…); the message is one plain sentence. */
export class InvalidQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A read asked while the index is being rebuilt (its list indexes are built last): try again once the rebuild is done. */
export class IndexRebuildingError extends Error {
  constructor() {
    super('the index is being rebuilt; try again when it is done');
    this.name = new.target.name;
  }
}
