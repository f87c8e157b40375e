/**
 * The columns of storage: what a claim asked for and is bound to, what a volume offers and who
 * claims it, and the classes they come from.
 */
import type { KubeObject } from '../kubeObject.js';
import { ageOf, at, scalarText, strings, text } from './cells.js';
import {
  ageColumn,
  column,
  doc,
  nameColumn,
  printer,
  wideColumn,
  type Printer,
} from './printer.js';

const CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
const DEFAULT_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

/** Access modes abbreviated in a fixed order: `RWO,ROX,RWX,RWOP`. */
function accessModesText(modes: unknown): string {
  const present = new Set(strings(modes));
  const abbreviations: [string, string][] = [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ];
  return abbreviations
    .filter(([mode]) => present.has(mode))
    .map(([, short]) => short)
    .join(',');
}

/** The class of a claim or volume; the old beta annotation wins over `storageClassName`. */
const storageClassOf = (object: KubeObject): string =>
  object.metadata.annotations?.[CLASS_ANNOTATION] ?? text(at(object.spec, 'storageClassName'));

/** Terminating while being deleted, otherwise the phase. */
const phaseOf = (object: KubeObject): string =>
  object.metadata.deletionTimestamp ? 'Terminating' : text(at(object.status, 'phase'));

const unsetOr = (value: unknown): string => text(value) || '<unset>';

const CLAIM_SPEC = 'core.v1.PersistentVolumeClaimSpec';
const CLAIM_STATUS = 'core.v1.PersistentVolumeClaimStatus';

/** `kubectl get pvc`: STATUS, VOLUME, CAPACITY, ACCESS MODES, STORAGECLASS, VOLUMEATTRIBUTESCLASS. */
export const persistentVolumeClaimPrinter: Printer = printer(
  () => [
    nameColumn(),
    column('Status', 'string', doc(CLAIM_STATUS, 'phase')),
    column('Volume', 'string', doc(CLAIM_SPEC, 'volumeName')),
    column('Capacity', 'string', doc(CLAIM_STATUS, 'capacity')),
    column('Access Modes', 'string', doc(CLAIM_STATUS, 'accessModes')),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageColumn(),
    wideColumn('VolumeMode', 'string', doc(CLAIM_SPEC, 'volumeMode')),
  ],
  (claim, now) => {
    const volume = text(at(claim.spec, 'volumeName'));
    // Capacity and access modes are what the bound volume gives, so blank until bound.
    return [
      claim.metadata.name,
      phaseOf(claim),
      volume,
      volume ? scalarText(at(claim.status, 'capacity', 'storage')) || '0' : '',
      volume ? accessModesText(at(claim.status, 'accessModes')) : '',
      storageClassOf(claim),
      unsetOr(at(claim.spec, 'volumeAttributesClassName')),
      ageOf(claim, now),
      unsetOr(at(claim.spec, 'volumeMode')),
    ];
  },
);

const VOLUME_SPEC = 'core.v1.PersistentVolumeSpec';
const VOLUME_STATUS = 'core.v1.PersistentVolumeStatus';

/** `kubectl get pv`: CAPACITY, ACCESS MODES, RECLAIM POLICY, STATUS, CLAIM, STORAGECLASS, … */
export const persistentVolumePrinter: Printer = printer(
  () => [
    nameColumn(),
    column('Capacity', 'string', doc(VOLUME_SPEC, 'capacity')),
    column('Access Modes', 'string', doc(VOLUME_SPEC, 'accessModes')),
    column('Reclaim Policy', 'string', doc(VOLUME_SPEC, 'persistentVolumeReclaimPolicy')),
    column('Status', 'string', doc(VOLUME_STATUS, 'phase')),
    column('Claim', 'string', doc(VOLUME_SPEC, 'claimRef')),
    column('StorageClass', 'string', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    column('Reason', 'string', doc(VOLUME_STATUS, 'reason')),
    ageColumn(),
    wideColumn('VolumeMode', 'string', doc(VOLUME_SPEC, 'volumeMode')),
  ],
  (volume, now) => {
    const claim = at(volume.spec, 'claimRef');
    return [
      volume.metadata.name,
      scalarText(at(volume.spec, 'capacity', 'storage')) || '0',
      accessModesText(at(volume.spec, 'accessModes')),
      text(at(volume.spec, 'persistentVolumeReclaimPolicy')),
      phaseOf(volume),
      claim === undefined ? '' : `${text(at(claim, 'namespace'))}/${text(at(claim, 'name'))}`,
      storageClassOf(volume),
      unsetOr(at(volume.spec, 'volumeAttributesClassName')),
      text(at(volume.status, 'reason')),
      ageOf(volume, now),
      unsetOr(at(volume.spec, 'volumeMode')),
    ];
  },
);

const isDefaultClass = (storageClass: KubeObject): boolean =>
  DEFAULT_CLASS_ANNOTATIONS.some(
    (annotation) => storageClass.metadata.annotations?.[annotation] === 'true',
  );

/** `kubectl get storageclasses`: the default one marked `(default)`, and how it provisions. */
export const storageClassPrinter: Printer = printer(
  () => [
    nameColumn(),
    column('Provisioner', 'string', doc('storage.v1.StorageClass', 'provisioner')),
    column('ReclaimPolicy', 'string', doc('storage.v1.StorageClass', 'reclaimPolicy')),
    column('VolumeBindingMode', 'string', doc('storage.v1.StorageClass', 'volumeBindingMode')),
    column(
      'AllowVolumeExpansion',
      'string',
      doc('storage.v1.StorageClass', 'allowVolumeExpansion'),
    ),
    ageColumn(),
  ],
  (storageClass, now) => [
    `${storageClass.metadata.name}${isDefaultClass(storageClass) ? ' (default)' : ''}`,
    text(storageClass.provisioner),
    text(storageClass.reclaimPolicy) || 'Delete',
    text(storageClass.volumeBindingMode) || 'Immediate',
    storageClass.allowVolumeExpansion === true,
    ageOf(storageClass, now),
  ],
);
