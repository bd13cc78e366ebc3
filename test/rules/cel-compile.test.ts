import { compileCel, CelCompileError } from '../../src/rules/cel/compile.js';
import { isErr } from '../../src/rules/cel/runtime.js';

const run = (expr: string, self?: unknown) => compileCel(expr)({ self });

describe('compiled CEL', () => {
  it('has() is false for an absent field and true for a present one', () => {
    expect(run('has(self.a)', {})).toBe(false);
    expect(run('has(self.a)', { a: '' })).toBe(true);
  });

  it('selecting an absent field is an error that && absorbs when the other side is false', () => {
    expect(isErr(run('self.a == 1', {}))).toBe(true);
    expect(run('self.a == 1 && false', {})).toBe(false);
    expect(run('false && self.a == 1', {})).toBe(false);
    expect(run('self.a == 1 || true', {})).toBe(true);
    expect(isErr(run('self.a == 1 && true', {}))).toBe(true);
  });

  it('exists_one counts exactly one match', () => {
    expect(run('self.exists_one(x, x > 1)', [1, 2])).toBe(true);
    expect(run('self.exists_one(x, x > 0)', [1, 2])).toBe(false);
  });

  it('all and exists absorb errors when the answer is decided', () => {
    expect(run('self.all(x, x.a == 1)', [{ b: 1 }, { a: 2 }])).toBe(false);
    expect(isErr(run('self.all(x, x.a == 1)', [{ b: 1 }, { a: 1 }]))).toBe(true);
    expect(run('self.exists(x, x.a == 1)', [{ b: 1 }, { a: 1 }])).toBe(true);
  });

  it('runs the upstream targetRefs uniqueness rule', () => {
    const rule =
      "self.all(p1, self.exists_one(p2, p1.group == p2.group && p1.kind == p2.kind && p1.name == p2.name && (((!has(p1.sectionName) || p1.sectionName == '') && (!has(p2.sectionName) || p2.sectionName == '')) || (has(p1.sectionName) && has(p2.sectionName) && p1.sectionName == p2.sectionName))))";
    const ref = { group: '', kind: 'Service', name: 'a' };
    expect(run(rule, [ref, { ...ref, name: 'b' }])).toBe(true);
    expect(run(rule, [ref, ref])).toBe(false);
    expect(run(rule, [{ ...ref, sectionName: 'x' }, { ...ref, sectionName: 'y' }])).toBe(true);
  });

  it('size counts code points, lists and maps', () => {
    expect(run('size(self)', 'héllo😀')).toBe(6);
    expect(run('size(self) == 2', [1, 2])).toBe(true);
    expect(run('self.size()', { a: 1 })).toBe(1);
  });

  it('nested comprehensions see their own variables', () => {
    expect(run('self.all(a, self.exists(b, a + b == 3))', [1, 2])).toBe(true);
    expect(run('self.map(x, x * 2).filter(y, y > 2)', [1, 2, 3])).toEqual([4, 6]);
  });

  it('string functions of the Kubernetes strings library', () => {
    expect(run("self.lowerAscii()", 'ÄbC')).toBe('Äbc');
    expect(run("self.substring(0, size(self) - 1)", 'abc.')).toBe('abc');
    expect(run("self.matches('^[a-z]+$')", 'abc')).toBe(true);
    expect(run("isIP(self)", '10.1.2.3')).toBe(true);
    expect(run("isIP(self)", '010.1.2.3')).toBe(false);
    expect(run("isIP(self)", 'fe80::1')).toBe(true);
    // names are settled before Node's parser; digits-and-dots and anything with a ':' still go to it
    for (const notIP of ['backend.example.com', '10.0.0.1a', '1.2.3', 'fe80::1%eth0', '']) expect(run('isIP(self)', notIP)).toBe(false);
    expect(run("isIP(self)", '::ffff:10.0.0.1')).toBe(true);
  });

  it('in looks up list elements and map keys', () => {
    expect(run("'b' in self", ['a', 'b'])).toBe(true);
    expect(run("'b' in self", { a: 1 })).toBe(false);
  });

  it('rejects unknown names at compile time', () => {
    expect(() => compileCel('foo(self)')).toThrow(CelCompileError);
    expect(() => compileCel('other.a')).toThrow(/undeclared reference/);
    expect(() => compileCel('self.(')).toThrow(CelCompileError);
  });
});
