// Ratcheting on UPDATE, as kube-apiserver does for CRDs: an error on a value the update did not change is let
// through; which value counts as "the same" follows the apiserver (atomic lists whole, required fields at
// their parent, map keys that hold dots).
import { deepEqual, ratchet } from '../../src/rules/ratchet.js';
import type { Finding } from '../../src/rules/types.js';

const finding = (field: string, reason: Finding['reason'] = 'FieldValueInvalid'): Finding => ({ rule: 'r', field, message: 'm', severity: 'deny', reason });
const base = () => ({
  spec: {
    targetRefs: [
      { group: '', kind: 'Service', name: 'a', sectionName: 'Bad' },
      { group: '', kind: 'Service', name: 'b' },
    ],
    validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca' }] },
    options: { 'example.com/k': 'v' },
  },
});
const kept = (f: Finding, object: unknown, old: unknown) => ratchet([f], object, old).length === 1;

describe('ratchet', () => {
  it('lets an error through when its value is unchanged, and keeps it when the value changed or is new', () => {
    const old = base();
    expect(kept(finding('spec.options.example.com/k'), base(), old)).toBe(false);
    const changed = base();
    changed.spec.options['example.com/k'] = 'w';
    expect(kept(finding('spec.options.example.com/k'), changed, old)).toBe(true);
    const added = base() as ReturnType<typeof base> & { spec: { options: Record<string, string> } };
    added.spec.options['other.io/x'] = 'y';
    expect(kept(finding('spec.options.other.io/x'), added, old)).toBe(true);
  });

  it('compares an atomic list whole: an error in an unchanged item counts as changed once another item changed', () => {
    const old = base();
    expect(kept(finding('spec.targetRefs[0].sectionName'), base(), old)).toBe(false);
    const otherItemChanged = base();
    otherItemChanged.spec.targetRefs[1].name = 'c';
    expect(kept(finding('spec.targetRefs[0].sectionName'), otherItemChanged, old)).toBe(true);
  });

  it('compares a missing required field at its parent', () => {
    const old = base();
    expect(kept(finding('spec.validation.hostname', 'FieldValueRequired'), base(), old)).toBe(false);
    const parentChanged = base();
    parentChanged.spec.validation.caCertificateRefs[0].name = 'ca2';
    expect(kept(finding('spec.validation.hostname', 'FieldValueRequired'), parentChanged, old)).toBe(true);
  });

  it('keeps errors on the whole object, and everything on CREATE', () => {
    expect(kept(finding('<nil>'), base(), base())).toBe(true);
    expect(kept(finding('spec.options.example.com/k'), base(), undefined)).toBe(true);
  });
});

describe('deepEqual', () => {
  it.each([
    [{}, [], false],
    [{ a: 1 }, { a: 1, b: undefined }, false],
    [{ a: undefined }, { b: undefined }, false],
    [[1, [2, { c: 3 }]], [1, [2, { c: 3 }]], true],
    [[1, 2], [2, 1], false],
    [null, {}, false],
  ])('%j and %j: %s', (a, b, equal) => {
    expect(deepEqual(a, b)).toBe(equal);
    expect(deepEqual(b, a)).toBe(equal);
  });
});
