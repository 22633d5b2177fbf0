import { createdEntities, FOLD_AFTER_CREATED, PendingChangesFold } from './pending-changes-fold';

describe('PendingChangesFold', () => {
  it('reads the nodes and relationships a write created from its statistics', () => {
    expect(createdEntities(['Labels added: 1', 'Nodes created: 2', 'Properties set: 9', 'Relationships created: 1', 'Query internal execution time: 0.3 milliseconds'])).toBe(3);
    expect(createdEntities(['Properties set: 1'])).toBe(0);
    expect(createdEntities(undefined)).toBe(0);
  });

  it('asks for a fold once writes created FOLD_AFTER_CREATED entities, then counts again', () => {
    const fold = new PendingChangesFold();
    expect(fold.noteWrite([`Nodes created: ${FOLD_AFTER_CREATED - 1}`])).toBe(false);
    expect(fold.noteWrite(['Properties set: 4'])).toBe(false);
    expect(fold.noteWrite(['Relationships created: 1'])).toBe(true);
    expect(fold.noteWrite(['Nodes created: 1'])).toBe(false);
  });
});
