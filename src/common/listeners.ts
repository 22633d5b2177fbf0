/** Callbacks registered for one kind of event; each registration answers its own removal. */
export class Listeners<Args extends unknown[]> {
  private readonly callbacks = new Set<(...args: Args) => void>();

  add(callback: (...args: Args) => void): () => void {
    this.callbacks.add(callback);
    return () => this.callbacks.delete(callback);
  }

  emit(...args: Args): void {
    for (const callback of this.callbacks) callback(...args);
  }
}
