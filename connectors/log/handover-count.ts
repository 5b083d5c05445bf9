/**
 * Whether pg-logical-replication has handed us every change it received. With flow control the
 * library queues received changes and hands them over one at a time, while the server's
 * keepalives reach us at once: confirming a keepalive's position with changes still queued would
 * skip them on a restart. The library has no public way to ask about its queue, but it parses each
 * change with our output plugin (its public extension point) the moment the change arrives, in
 * stream order, and hands it over later through the 'data' event. Counting both sides tells,
 * without reading its private fields, whether anything received is still waiting.
 */
export class HandoverCount {
  private received = 0;
  private handed = 0;

  /** A change arrived (called from the output plugin's parse). */
  readonly onReceived = (): void => {
    this.received++;
  };

  /** A change reached our 'data' handler. */
  onHanded(): void {
    this.handed++;
  }

  /** Nothing received is waiting in the library to be handed over. */
  get allHanded(): boolean {
    return this.handed === this.received;
  }
}
