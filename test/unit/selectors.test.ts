import { describe, expect, it } from 'vitest';
import {
  parseFieldSelector,
  parseLabelSelector,
  selectorFromLabelSelector,
  selectorFromMap,
  SelectorError,
} from '../../server/sandbox/selectors.js';

const web = { app: 'web', tier: 'front' };
const api = { app: 'api', tier: 'back' };
const bare = {};

/** Which of the three label sets a selector string picks. */
const picks = (text: string) => {
  const selector = parseLabelSelector(text);
  return { web: selector.matches(web), api: selector.matches(api), bare: selector.matches(bare) };
};

describe('label selector strings', () => {
  it('= and == select objects whose label has that value', () => {
    expect(picks('app=web')).toEqual({ web: true, api: false, bare: false });
    expect(picks('app==web')).toEqual({ web: true, api: false, bare: false });
  });

  it('!= also selects objects without the key, as in Kubernetes', () => {
    expect(picks('app!=web')).toEqual({ web: false, api: true, bare: true });
  });

  it('in selects listed values and notin also selects objects without the key', () => {
    expect(picks('tier in (front, middle)')).toEqual({ web: true, api: false, bare: false });
    expect(picks('tier notin (front,middle)')).toEqual({ web: false, api: true, bare: true });
  });

  it('a bare key requires the label and !key forbids it', () => {
    expect(picks('tier')).toEqual({ web: true, api: true, bare: false });
    expect(picks('!tier')).toEqual({ web: false, api: false, bare: true });
  });

  it('ANDs comma-separated requirements', () => {
    expect(picks('app in (web,api),tier=back')).toEqual({ web: false, api: true, bare: false });
    expect(picks('tier,app!=web,!canary')).toEqual({ web: false, api: true, bare: false });
  });

  it('tolerates whitespace around every token', () => {
    expect(picks(' \tapp = web ,  tier in ( front , back ) ,\n! canary ')).toEqual({
      web: true,
      api: false,
      bare: false,
    });
  });

  it('selects everything, even unlabelled objects, for an empty or blank string', () => {
    for (const text of ['', '   ']) {
      const selector = parseLabelSelector(text);
      expect(selector.empty).toBe(true);
      expect(selector.matches(undefined)).toBe(true);
      expect(selector.matches(web)).toBe(true);
    }
    expect(parseLabelSelector('app').empty).toBe(false);
  });

  it('reads a missing value and an empty list item as the empty string', () => {
    expect(parseLabelSelector('app=').matches({ app: '' })).toBe(true);
    expect(parseLabelSelector('app=').matches(web)).toBe(false);
    expect(parseLabelSelector('app in ()').matches({ app: '' })).toBe(true);
    expect(parseLabelSelector('app in (web,)').matches({ app: '' })).toBe(true);
  });

  it('accepts prefixed keys and the keywords in and notin as keys or values', () => {
    const selector = parseLabelSelector('app.kubernetes.io/name=web,in=notin');
    expect(selector.matches({ 'app.kubernetes.io/name': 'web', in: 'notin' })).toBe(true);
    expect(selector.matches({ 'app.kubernetes.io/name': 'web' })).toBe(false);
  });

  it('only looks at own labels, not inherited object properties', () => {
    expect(parseLabelSelector('constructor').matches({})).toBe(false);
    expect(parseLabelSelector('!toString').matches({})).toBe(true);
  });

  it.each([
    ['app=web,', "found '', expected: identifier after ','"],
    [',app', "found ',', expected: !, identifier, or 'end of string'"],
    ['app=web tier', "found 'tier', expected: ',' or 'end of string'"],
    ['!app=web', "found '=', expected: ',' or 'end of string'"],
    ['app web', "unable to parse requirement: found 'web', expected: in, notin, =, ==, !="],
    ['count>1', "unable to parse requirement: found '>', expected: in, notin, =, ==, !="],
    ['app in web', "unable to parse requirement: found 'web' expected: '('"],
    ['app in (web', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['app in (web api)', "unable to parse requirement: found 'api', expected: ',' or ')'"],
    ['app in (web,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['app=(web)', "unable to parse requirement: found '(', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
  ])('rejects %j with the apiserver message', (text, message) => {
    expect(() => parseLabelSelector(text)).toThrow(new SelectorError(message));
  });

  it.each([
    ['-app=web', 'invalid label key "-app": name part must consist of alphanumeric characters'],
    ['Example.com/app', 'invalid label key "Example.com/app": prefix part a lowercase RFC 1123'],
    ['/app', 'invalid label key "/app": prefix part must be non-empty'],
    ['a/b/c', 'invalid label key "a/b/c": a qualified name must consist of'],
    [`${'k'.repeat(64)}`, 'name part must be no more than 63 characters'],
    ['app=-web', 'invalid label value: "-web": at key: "app": a valid label must be an empty'],
    ['app in (web,we$b)', 'invalid label value: "we$b": at key: "app"'],
    [`app=${'v'.repeat(64)}`, 'must be no more than 63 characters'],
  ])('validates keys and values in %j', (text, message) => {
    expect(() => parseLabelSelector(text)).toThrow(SelectorError);
    expect(() => parseLabelSelector(text)).toThrow(`unable to parse requirement: `);
    expect(() => parseLabelSelector(text)).toThrow(message);
  });
});

describe('structured label selectors', () => {
  it('ANDs matchLabels with every match expression', () => {
    const selector = selectorFromLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'edge'] },
        { key: 'track', operator: 'NotIn', values: ['canary'] },
        { key: 'tier', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist', values: [] },
      ],
    });
    expect(selector.matches(web)).toBe(true);
    expect(selector.matches({ ...web, track: 'stable' })).toBe(true);
    expect(selector.matches({ ...web, track: 'canary' })).toBe(false);
    expect(selector.matches({ ...web, legacy: 'yes' })).toBe(false);
    expect(selector.matches(api)).toBe(false);
  });

  it('selects everything for {} and nothing for null or undefined', () => {
    expect(selectorFromLabelSelector({}).empty).toBe(true);
    expect(selectorFromLabelSelector({ matchLabels: {}, matchExpressions: [] }).matches(bare)).toBe(
      true,
    );
    for (const spec of [null, undefined]) {
      const selector = selectorFromLabelSelector(spec);
      expect(selector.empty).toBe(false);
      expect(selector.matches(web)).toBe(false);
      expect(selector.matches(undefined)).toBe(false);
    }
  });

  it.each([
    [{ key: 'app', operator: 'Gt', values: ['1'] }, '"Gt" is not a valid label selector operator'],
    [
      { key: 'app', operator: 'in', values: ['web'] },
      '"in" is not a valid label selector operator',
    ],
    [{ key: 'app', operator: 'In', values: [] }, "for 'in', 'notin' operators, values set can't"],
    [{ key: 'app', operator: 'NotIn' }, "for 'in', 'notin' operators, values set can't be empty"],
    [{ key: 'app', operator: 'Exists', values: ['web'] }, 'values set must be empty for exists'],
    [{ key: '-app', operator: 'Exists' }, 'invalid label key "-app"'],
  ])('rejects the match expression %j', (expression, message) => {
    const spec = { matchExpressions: [expression] };
    expect(() => selectorFromLabelSelector(spec)).toThrow(SelectorError);
    expect(() => selectorFromLabelSelector(spec)).toThrow(message);
  });

  it('rejects invalid matchLabels and selectors that are not objects', () => {
    expect(() => selectorFromLabelSelector({ matchLabels: { app: '-web' } })).toThrow(
      'invalid label value: "-web": at key: "app"',
    );
    expect(() => selectorFromLabelSelector('app=web')).toThrow(SelectorError);
    expect(() => selectorFromLabelSelector({ matchExpressions: {} })).toThrow(SelectorError);
  });
});

describe('map selectors', () => {
  it('requires every pair of the map', () => {
    const selector = selectorFromMap({ app: 'web', tier: 'front' });
    expect(selector.matches(web)).toBe(true);
    expect(selector.matches({ app: 'web' })).toBe(false);
    expect(selector.matches(undefined)).toBe(false);
  });

  it('selects everything for an empty or missing map, leaving its meaning to the caller', () => {
    for (const map of [{}, undefined]) {
      expect(selectorFromMap(map).empty).toBe(true);
      expect(selectorFromMap(map).matches(bare)).toBe(true);
    }
  });
});

describe('field selectors', () => {
  const fields = new Set(['metadata.name', 'status.phase', 'spec.nodeName', 'spec.unschedulable']);
  const running = {
    metadata: { name: 'web-1' },
    spec: { nodeName: 'node-1' },
    status: { phase: 'Running' },
  };
  const pending = { metadata: { name: 'web-2' }, spec: {}, status: { phase: 'Pending' } };
  const picked = (text: string) =>
    [running, pending].filter((pod) => parseFieldSelector(text, fields).matches(pod));

  it('compares dotted paths with =, == and !=', () => {
    expect(picked('metadata.name=web-1')).toEqual([running]);
    expect(picked('metadata.name==web-2')).toEqual([pending]);
    expect(picked('status.phase!=Running')).toEqual([pending]);
  });

  it('ANDs comma-separated terms', () => {
    expect(picked('status.phase=Running,metadata.name=web-1')).toEqual([running]);
    expect(picked('status.phase=Running,metadata.name=web-2')).toEqual([]);
  });

  it('compares a missing field as the empty string', () => {
    expect(picked('spec.nodeName=')).toEqual([pending]);
    expect(picked('spec.nodeName!=')).toEqual([running]);
    expect(parseFieldSelector('metadata.name=', fields).matches(undefined)).toBe(true);
  });

  it('compares numbers and booleans by their text', () => {
    expect(
      parseFieldSelector('spec.unschedulable=true', fields).matches({
        spec: { unschedulable: true },
      }),
    ).toBe(true);
  });

  it('selects everything for an empty string', () => {
    expect(parseFieldSelector('', fields).empty).toBe(true);
    expect(parseFieldSelector('', new Set()).matches(pending)).toBe(true);
  });

  it('rejects fields the resource does not support, as kube-apiserver words it', () => {
    expect(() => parseFieldSelector('spec.replicas=3', fields)).toThrow(
      new SelectorError('field label not supported: spec.replicas'),
    );
    expect(() => parseFieldSelector('metadata.name = web-1', fields)).toThrow(
      'field label not supported: metadata.name ',
    );
  });

  it('unescapes \\, \\= and \\\\ in values and splits only on unescaped commas', () => {
    const named = (name: string) => ({ metadata: { name } });
    const selector = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d,status.phase!=x', fields);
    expect(selector.matches(named('a,b=c\\d'))).toBe(true);
    expect(selector.matches(named('a\\,b\\=c\\\\d'))).toBe(false);
  });

  it.each([
    ['metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['metadata.name=a=b', 'invalid field selector: unescaped character in value: ='],
    ['metadata.name=a\\b', 'invalid field selector: invalid escape sequence: \\b'],
    ['metadata.name=a\\', 'invalid field selector: invalid escape sequence: \\'],
  ])('rejects %j', (text, message) => {
    expect(() => parseFieldSelector(text, fields)).toThrow(new SelectorError(message));
  });
});
