import { getMetadataStorage } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type Lookup = Storage['getTargetValidationMetadatas'];

let installed = false;
let generation = 0;

/** A number that changes whenever class-validator registers a rule or constraint: what was derived from the rules before is stale. */
export const validationRulesGeneration = (): number => generation;

/**
 * class-validator looks up the rules of a class at every object it validates, scanning every class it knows for
 * parents (MetadataStorage.getTargetValidationMetadatas): the largest single cost of validating a command under load.
 * The rules of a class change only when a decorator registers one, so the answer is kept per class and options, and
 * forgotten whenever a rule or constraint is registered. Installed once, on class-validator's global storage.
 */
export function rememberValidationMetadata(storage: Storage = getMetadataStorage()): void {
  if (installed) return;
  installed = true;
  const lookup: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  let known = new Map<unknown, Map<string, ReturnType<Lookup>>>();
  const forget = <A extends unknown[]>(register: (...args: A) => void) => (...args: A) => {
    known = new Map();
    generation++;
    register(...args);
  };
  storage.addValidationMetadata = forget(storage.addValidationMetadata.bind(storage));
  storage.addConstraintMetadata = forget(storage.addConstraintMetadata.bind(storage));
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? ''}`;
    let byOptions = known.get(target);
    if (!byOptions) known.set(target, (byOptions = new Map()));
    let metadatas = byOptions.get(key);
    // A fresh array each time, as the original gives: a caller may not change the one remembered.
    if (!metadatas) byOptions.set(key, (metadatas = lookup(target, schema, always, strictGroups, groups)));
    return [...metadatas];
  };
}
