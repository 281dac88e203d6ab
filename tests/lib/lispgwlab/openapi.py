# SPDX-License-Identifier: BSD-3-Clause
"""What the REST tests (tests/rest/test_rest_*.py) check answers with: docs/openapi.yaml
loaded with its $refs, a validator for the JSON-schema subset the spec uses
(type, nullable, required, properties, additionalProperties as boolean or
schema, items, enum, allOf, oneOf, minimum/maximum, minItems/maxItems,
minLength/maxLength, pattern, date-time), paths with templated segments
("/api/v1/agents/{id}"),
and a strict reader of the Prometheus text format 0.0.4."""
import re

import yaml

DATE_TIME = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$')
KEYWORDS = {'type', 'nullable', 'required', 'properties', 'additionalProperties', 'items',
            'enum', 'allOf', 'oneOf', 'minimum', 'maximum', 'minItems', 'maxItems',
            'minLength', 'maxLength', 'pattern', 'format', 'description', 'default',
            'example', '$ref'}


class Spec:
    def __init__(self, path):
        with open(path) as f:
            self.doc = yaml.safe_load(f)
        self.check_keywords(self.doc['components']['schemas'], 'components.schemas')

    def ref(self, ref):
        assert ref.startswith('#/'), ref
        node = self.doc
        for part in ref[2:].split('/'):
            node = node[part]
        return node

    def deref(self, node):
        while isinstance(node, dict) and '$ref' in node:
            node = self.ref(node['$ref'])
        return node

    def check_keywords(self, schemas, where):
        """The validator must understand every keyword the spec uses."""
        def walk(s, path):
            if not isinstance(s, dict):
                return
            unknown = set(s) - KEYWORDS
            assert not unknown, '%s: schema keywords the validator ignores: %s' % (path, unknown)
            for k, v in s.get('properties', {}).items():
                walk(v, path + '.' + k)
            for key in ('items', 'additionalProperties'):
                if isinstance(s.get(key), dict):
                    walk(s[key], path + '.' + key)
            for key in ('allOf', 'oneOf'):
                for i, sub in enumerate(s.get(key, [])):
                    walk(sub, '%s.%s[%d]' % (path, key, i))
        for name, s in schemas.items():
            walk(s, where + '.' + name)

    def operations(self):
        """(path, method, operation) for every operation of the spec."""
        for path, item in self.doc['paths'].items():
            for method, op in item.items():
                if method in ('get', 'post', 'put', 'delete', 'patch', 'head'):
                    yield path, method.upper(), op

    def template(self, path):
        """The spec's path for a concrete one: itself, or the templated path
        whose {name} segments match one whole segment each; KeyError if
        none."""
        if path in self.doc['paths']:
            return path
        parts = path.split('/')
        for t in self.doc['paths']:
            tp = t.split('/')
            if len(tp) == len(parts) and all(
                    a == b or (a.startswith('{') and a.endswith('}') and b)
                    for a, b in zip(tp, parts)):
                return t
        raise KeyError(path)

    def operation(self, path, method):
        """The operation for a concrete or templated path; KeyError if the
        spec has none."""
        return self.doc['paths'][self.template(path)][method.lower()]

    def request_schema(self, op, ctype='application/json'):
        body = self.deref(op.get('requestBody', {}))
        return body.get('content', {}).get(ctype, {}).get('schema')

    def needs_token(self, op):
        return op.get('security', self.doc.get('security')) != []

    def response(self, op, status):
        """The response object the spec lists for status, or None."""
        r = op['responses'].get(str(status))
        return self.deref(r) if r is not None else None

    def response_schema(self, op, status, ctype='application/json'):
        r = self.response(op, status)
        if r is None or 'content' not in r or ctype not in r['content']:
            return None
        return r['content'][ctype]['schema']

    def validate(self, value, schema, path='$'):
        """A list of every mismatch between value and schema (empty: valid)."""
        errs = []
        self._validate(value, schema, path, errs)
        return errs

    def _validate(self, v, s, path, errs):
        s = self.deref(s)
        for sub in s.get('allOf', []):
            self._validate(v, sub, path, errs)
        if v is None:
            if not s.get('nullable') and 'type' in s:
                errs.append('%s: null where %s is expected' % (path, s['type']))
            return
        t = s.get('type')
        ok = {
            None: True,
            'object': isinstance(v, dict),
            'array': isinstance(v, list),
            'string': isinstance(v, str),
            'integer': isinstance(v, int) and not isinstance(v, bool),
            'number': isinstance(v, (int, float)) and not isinstance(v, bool),
            'boolean': isinstance(v, bool),
        }[t]
        if not ok:
            errs.append('%s: %r is not of type %s' % (path, v, t))
            return
        subs = s.get('oneOf', [])
        if subs:
            fits = [i for i, sub in enumerate(subs) if not self.validate(v, sub, path)]
            if len(fits) != 1:
                errs.append('%s: matches %d of the oneOf schemas, not exactly one%s' % (
                    path, len(fits), '' if fits else ': ' + '; '.join(
                        e for sub in subs for e in self.validate(v, sub, path)[:2])))
        if 'enum' in s and v not in s['enum']:
            errs.append('%s: %r not in %r' % (path, v, s['enum']))
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if 'minimum' in s and v < s['minimum']:
                errs.append('%s: %r < minimum %r' % (path, v, s['minimum']))
            if 'maximum' in s and v > s['maximum']:
                errs.append('%s: %r > maximum %r' % (path, v, s['maximum']))
        if isinstance(v, str):
            if 'minLength' in s and len(v) < s['minLength']:
                errs.append('%s: %r shorter than %d' % (path, v, s['minLength']))
            if 'maxLength' in s and len(v) > s['maxLength']:
                errs.append('%s: %r longer than %d' % (path, v, s['maxLength']))
            if 'pattern' in s and not re.search(s['pattern'], v):
                errs.append('%s: %r does not match %r' % (path, v, s['pattern']))
        if t == 'string' and s.get('format') == 'date-time' and not DATE_TIME.match(v):
            errs.append('%s: %r is not an RFC 3339 date-time' % (path, v))
        if isinstance(v, list):
            if 'minItems' in s and len(v) < s['minItems']:
                errs.append('%s: fewer than %d items' % (path, s['minItems']))
            if 'maxItems' in s and len(v) > s['maxItems']:
                errs.append('%s: more than %d items' % (path, s['maxItems']))
            if 'items' in s:
                for i, item in enumerate(v):
                    self._validate(item, s['items'], '%s[%d]' % (path, i), errs)
        if isinstance(v, dict):
            props = s.get('properties', {})
            for k in s.get('required', []):
                if k not in v:
                    errs.append('%s: required member %r missing' % (path, k))
            extra = s.get('additionalProperties', True)
            for k, item in v.items():
                if k in props:
                    self._validate(item, props[k], '%s.%s' % (path, k), errs)
                elif extra is False:
                    errs.append('%s: member %r not in the spec' % (path, k))
                elif isinstance(extra, dict):
                    self._validate(item, extra, '%s.%s' % (path, k), errs)


# --- Prometheus text format 0.0.4 ------------------------------------------

METRIC_NAME = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"')
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)( -?\d+)?$')
TYPES = {'counter', 'gauge', 'histogram', 'summary', 'untyped'}


def parse_metrics(text):
    """{(name, frozenset(labels)): value} and the family types, or raises
    AssertionError naming the first line that breaks the format: every
    sample after its family's # HELP and # TYPE, each family once and
    contiguous, counters named *_total, values numbers."""
    samples, types, helps = {}, {}, set()
    current = None
    assert text.endswith('\n'), 'the exposition must end with a newline'
    for n, line in enumerate(text.splitlines(), 1):
        where = 'line %d %r' % (n, line)
        if line.startswith('# HELP '):
            name = line.split(' ', 3)[2]
            assert METRIC_NAME.match(name), where
            assert name not in helps, where + ': second HELP for the family'
            assert len(line.split(' ', 3)) == 4 and line.split(' ', 3)[3], where + ': empty help'
            helps.add(name)
            current = name
            continue
        if line.startswith('# TYPE '):
            parts = line.split(' ')
            assert len(parts) == 4 and parts[3] in TYPES, where
            assert parts[2] == current, where + ': TYPE not right after its HELP'
            assert parts[2] not in types, where + ': second TYPE for the family'
            types[parts[2]] = parts[3]
            continue
        assert not line.startswith('#') and line, where + ': unexpected comment or blank'
        m = SAMPLE.match(line)
        assert m, where + ': not a sample line'
        name, labels, value = m.group(1), m.group(2), m.group(3)
        assert name == current and name in types, where + ': sample outside its family'
        if types[name] == 'counter':
            assert name.endswith('_total'), where + ': a counter is named *_total'
        lab = []
        if labels:
            body = labels[1:-1]
            pos = 0
            while pos < len(body):
                lm = LABEL.match(body, pos)
                assert lm, where + ': bad label syntax'
                lab.append((lm.group(1), lm.group(2)))
                pos = lm.end()
                if pos < len(body):
                    assert body[pos] == ',', where + ': labels are comma-separated'
                    pos += 1
        key = (name, frozenset(lab))
        assert key not in samples, where + ': duplicate sample'
        samples[key] = float(value)
    return samples, types
