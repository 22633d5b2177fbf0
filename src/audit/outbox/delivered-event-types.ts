import { AuditEventType } from '../audit-event';

/**
 * Which audit events go into the delivery outbox (the event webhook's choice). Decided when an
 * event is written, in the same write: an event is never delivered without being recorded, nor
 * recorded without its delivery when it was chosen.
 */
export class DeliveredEventTypes {
  private readonly types: ReadonlySet<AuditEventType>;

  constructor(types: Iterable<AuditEventType>) {
    this.types = new Set(types);
  }

  /** When delivery of a new event of `type` written at `at` is due: at once, or never (null). */
  dueAt(type: AuditEventType, at: number): number | null {
    return this.types.has(type) ? at : null;
  }
}
