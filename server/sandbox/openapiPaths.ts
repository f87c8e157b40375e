/**
 * The `paths` of the sandbox's OpenAPI documents: for each kind its collection and object URLs
 * (namespaced and cluster-wide, as `requestTarget.ts` resolves them) and its `status` and
 * `scale` subresources. kubectl reads three things here: an operation's
 * `x-kubernetes-group-version-kind` (which kind a URL serves, for `explain`), whether PATCH takes
 * `fieldValidation` (if so it validates on the server and sends `fieldValidation=Strict`), and
 * whether PATCH takes a strategic merge patch (if not, client-side apply sends a merge patch).
 *
 * Operations are described once, as data, and rendered in the v2 or the v3 shape.
 */
import {
  definitionId,
  DELETE_OPTIONS,
  isBuiltIn,
  listDefinitionId,
  PATCH,
  SCALE,
  STATUS,
  type Schema,
} from './openapiSchemas.js';
import type { ResourceType } from './resourceTypes.js';

type ParameterType = 'string' | 'boolean' | 'integer';

/** Query parameters: type and description. */
const QUERY: Record<string, [ParameterType, string]> = {
  pretty: ['string', "If 'true', the output is pretty printed."],
  dryRun: ['string', 'When present, the change is checked but not persisted. Valid value: All.'],
  fieldManager: ['string', 'The name of the actor making the change, kept in managedFields.'],
  fieldValidation: [
    'string',
    'What the server does with unknown or duplicate fields: Ignore, Warn or Strict.',
  ],
  force: ['boolean', 'Makes an apply patch win its conflicts with other managers.'],
  labelSelector: ['string', 'Only objects whose labels match this selector.'],
  fieldSelector: ['string', 'Only objects whose fields match this selector.'],
  limit: ['integer', 'The most objects one response holds.'],
  continue: ['string', 'The token of the next page of a limited list.'],
  resourceVersion: ['string', 'The version of the collection a list or watch starts from.'],
  resourceVersionMatch: ['string', 'How resourceVersion applies to a list.'],
  watch: ['boolean', 'Streams changes instead of listing.'],
  allowWatchBookmarks: ['boolean', 'Lets a watch send BOOKMARK events.'],
  timeoutSeconds: ['integer', 'How long a list or watch may last.'],
  gracePeriodSeconds: ['integer', 'Seconds before the object goes; zero deletes at once.'],
  propagationPolicy: ['string', 'What happens to dependents: Orphan, Background or Foreground.'],
};

const LIST_QUERY = [
  'labelSelector',
  'fieldSelector',
  'limit',
  'continue',
  'resourceVersion',
  'resourceVersionMatch',
  'watch',
  'allowWatchBookmarks',
  'timeoutSeconds',
];
const WRITE_QUERY = ['dryRun', 'fieldManager', 'fieldValidation'];
const DELETE_QUERY = ['dryRun', 'gracePeriodSeconds', 'propagationPolicy'];

const STRATEGIC = 'application/strategic-merge-patch+json';
const PATCH_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  STRATEGIC,
];

/** One verb on a URL, independent of the kind. */
interface Verb {
  method: 'get' | 'put' | 'post' | 'patch' | 'delete';
  action: 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';
  /** Starts the operation id: `list`, `create`, `delete`… */
  name: string;
  /** Of a whole collection: `deleteAppsV1CollectionNamespacedDeployment`. */
  collection?: boolean;
  query: string[];
  takes?: 'object' | 'patch' | 'deleteOptions';
  answers: 'object' | 'list' | 'status';
  codes: number[];
}

const LIST: Verb = {
  method: 'get',
  action: 'list',
  name: 'list',
  query: LIST_QUERY,
  answers: 'list',
  codes: [200],
};
const CREATE: Verb = {
  method: 'post',
  action: 'post',
  name: 'create',
  query: WRITE_QUERY,
  takes: 'object',
  answers: 'object',
  codes: [200, 201, 202],
};
const DELETE_COLLECTION: Verb = {
  method: 'delete',
  action: 'deletecollection',
  name: 'delete',
  collection: true,
  query: [...DELETE_QUERY, ...LIST_QUERY],
  takes: 'deleteOptions',
  answers: 'status',
  codes: [200],
};
const READ: Verb = {
  method: 'get',
  action: 'get',
  name: 'read',
  query: [],
  answers: 'object',
  codes: [200],
};
const REPLACE: Verb = {
  method: 'put',
  action: 'put',
  name: 'replace',
  query: WRITE_QUERY,
  takes: 'object',
  answers: 'object',
  codes: [200, 201],
};
const PATCH_VERB: Verb = {
  method: 'patch',
  action: 'patch',
  name: 'patch',
  query: [...WRITE_QUERY, 'force'],
  takes: 'patch',
  answers: 'object',
  codes: [200, 201],
};
const DELETE: Verb = {
  method: 'delete',
  action: 'delete',
  name: 'delete',
  query: DELETE_QUERY,
  takes: 'deleteOptions',
  answers: 'status',
  codes: [200, 202],
};

/** An operation as both renderings need it: references are definition ids. */
interface Operation {
  verb: Verb;
  operationId: string;
  tag: string;
  gvk: { group: string; version: string; kind: string };
  body?: { schema: string; contentTypes: string[]; required: boolean };
  /** Status code → definition id answered. */
  responses: [number, string][];
}

interface PathItem {
  path: string;
  pathParameters: ('namespace' | 'name')[];
  operations: Operation[];
}

const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** `Apps`, `RbacAuthorization`, `Core`: how operation ids and tags name a group. */
const groupName = (group: string): string =>
  (group === '' ? 'core' : group.replace(/\.k8s\.io$/, '')).split(/[.-]/).map(capitalise).join('');

/** Every URL of one kind with its operations. */
function pathItemsOf(type: ResourceType): PathItem[] {
  const prefix = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  const base = type.namespaced ? `${prefix}/namespaces/{namespace}` : prefix;
  const scope: PathItem['pathParameters'] = type.namespaced ? ['namespace'] : [];
  const group = groupName(type.group);
  const own = definitionId(type);
  const patchTypes = isBuiltIn(type) ? PATCH_TYPES : PATCH_TYPES.filter((t) => t !== STRATEGIC);
  const ownKind = { group: type.group, version: type.version, kind: type.kind };

  /** `name` is what the operation id says after the group version: `NamespacedDeployment`. */
  const item = (
    path: string,
    pathParameters: PathItem['pathParameters'],
    verbs: Verb[],
    name: string,
    schema = own,
    gvk = ownKind,
  ): PathItem => ({
    path,
    pathParameters,
    operations: verbs.map((verb) => {
      const answered = { object: schema, list: listDefinitionId(type), status: STATUS }[
        verb.answers
      ];
      const taken =
        verb.takes &&
        {
          object: { schema, contentTypes: ['*/*'], required: true },
          patch: { schema: PATCH, contentTypes: patchTypes, required: true },
          deleteOptions: { schema: DELETE_OPTIONS, contentTypes: ['*/*'], required: false },
        }[verb.takes];
      const infix = verb.collection ? 'Collection' : '';
      return {
        verb,
        operationId: `${verb.name}${group}${capitalise(type.version)}${infix}${name}`,
        tag: `${group.charAt(0).toLowerCase()}${group.slice(1)}_${type.version}`,
        gvk,
        ...(taken ? { body: taken } : {}),
        responses: verb.codes.map((code): [number, string] => [code, answered]),
      };
    }),
  });

  const named = `${type.namespaced ? 'Namespaced' : ''}${type.kind}`;
  const items = [
    item(`${base}/${type.plural}`, scope, [LIST, CREATE, DELETE_COLLECTION], named),
    item(
      `${base}/${type.plural}/{name}`,
      [...scope, 'name'],
      [READ, REPLACE, PATCH_VERB, DELETE],
      named,
    ),
  ];
  if (type.namespaced) {
    items.push(item(`${prefix}/${type.plural}`, [], [LIST], `${type.kind}ForAllNamespaces`));
  }
  for (const subresource of type.subresources) {
    if (subresource === 'log') continue;
    const scale = subresource === 'scale';
    items.push(
      item(
        `${base}/${type.plural}/{name}/${subresource}`,
        [...scope, 'name'],
        [READ, REPLACE, PATCH_VERB],
        `${named}${capitalise(subresource)}`,
        scale ? SCALE : own,
        scale ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : ownKind,
      ),
    );
  }
  return items;
}

const PATH_PARAMETERS = {
  namespace: 'object name and auth scope, such as for teams and projects',
  name: 'name of the object',
};
const RESPONSE_TYPES = ['application/json', 'application/yaml'];

/** What a rendering decides: how a parameter, a body and a response are written. */
interface Style {
  ref(id: string): Schema;
  parameter(name: string, where: 'query' | 'path', type: ParameterType, text: string): Schema;
  /** The operation's parameters and body. */
  request(operation: Operation): Schema;
  response(id: string): Schema;
}

const queryParameter = (style: Style, name: string) => {
  const [type, text] = QUERY[name]!;
  return style.parameter(name, 'query', type, text);
};

function renderPaths(types: readonly ResourceType[], style: Style): Record<string, Schema> {
  const render = (operation: Operation): Schema => ({
    tags: [operation.tag],
    description: `${operation.verb.action} ${operation.gvk.kind}`,
    operationId: operation.operationId,
    ...style.request(operation),
    responses: {
      ...Object.fromEntries(operation.responses.map(([code, id]) => [code, style.response(id)])),
      401: { description: 'Unauthorized' },
    },
    'x-kubernetes-action': operation.verb.action,
    'x-kubernetes-group-version-kind': operation.gvk,
  });
  const paths: Record<string, Schema> = {};
  for (const item of types.flatMap(pathItemsOf)) {
    const operations = item.operations.map((op) => [op.verb.method, render(op)]);
    const parameters = item.pathParameters.map((name) =>
      style.parameter(name, 'path', 'string', PATH_PARAMETERS[name]),
    );
    paths[item.path] = {
      ...Object.fromEntries(operations),
      parameters: [...parameters, queryParameter(style, 'pretty')],
    };
  }
  return paths;
}

/** The `paths` of an OpenAPI v2 document: bodies are `in: body` parameters. */
export function pathsV2(types: readonly ResourceType[]): Record<string, Schema> {
  const style: Style = {
    ref: (id) => ({ $ref: `#/definitions/${id}` }),
    parameter: (name, where, type, description) => ({
      name,
      in: where,
      description,
      ...(where === 'path' ? { required: true } : {}),
      type,
      uniqueItems: true,
    }),
    request: ({ body, verb }) => ({
      consumes: body?.contentTypes ?? ['*/*'],
      produces: RESPONSE_TYPES,
      schemes: ['https'],
      parameters: [
        ...(body
          ? [{ name: 'body', in: 'body', required: body.required, schema: style.ref(body.schema) }]
          : []),
        ...verb.query.map((name) => queryParameter(style, name)),
      ],
    }),
    response: (id) => ({ description: 'OK', schema: style.ref(id) }),
  };
  return renderPaths(types, style);
}

/** The `paths` of an OpenAPI v3 document: bodies are `requestBody`, answers `content`. */
export function pathsV3(types: readonly ResourceType[]): Record<string, Schema> {
  const content = (contentTypes: string[], id: string) =>
    Object.fromEntries(contentTypes.map((type) => [type, { schema: style.ref(id) }]));
  const style: Style = {
    ref: (id) => ({ $ref: `#/components/schemas/${id}` }),
    parameter: (name, where, type, description) => ({
      name,
      in: where,
      description,
      ...(where === 'path' ? { required: true } : {}),
      schema: { type, uniqueItems: true },
    }),
    request: ({ body, verb }) => ({
      // kubectl looks for `fieldValidation` among the operation's own parameters.
      ...(verb.query.length > 0
        ? { parameters: verb.query.map((name) => queryParameter(style, name)) }
        : {}),
      ...(body
        ? {
            requestBody: {
              content: content(body.contentTypes, body.schema),
              required: body.required,
            },
          }
        : {}),
    }),
    response: (id) => ({ description: 'OK', content: content(RESPONSE_TYPES, id) }),
  };
  return renderPaths(types, style);
}
