import { EntitySchema } from 'typeorm';
import { at, id } from '../core/db/columns';

/*
 * Resident alerts (seed 001): the official address register residents choose from, the interest
 * categories, and who is subscribed to what. Names are kept twice: as published, and folded
 * (lower case, diacritics removed: "Skórzewo" → "skorzewo", "Łódź" → "lodz") for search as you
 * type, so one indexed prefix match serves every engine.
 */

/** A locality (TERYT SIMC's miejscowość, a Norwegian poststed or tettsted). */
export interface Locality {
  id: number;
  /** The source's own identifier (TERYT SYM, or a key the CSV import derives); re-imports match on it. */
  code: string;
  name: string;
  nameKey: string;
  /** Where it lies, to tell localities of one name apart (TERYT WOJ+POW+GMI+RODZ_GMI, or a municipality name). */
  area: string | null;
  /** teryt or csv */
  source: string;
  updatedAt: Date;
}
export const LocalityEntity = new EntitySchema<Locality>({
  name: 'Locality',
  tableName: 'address_localities',
  columns: {
    id,
    code: { type: String, length: 64 },
    name: { type: String, length: 128 },
    nameKey: { type: String, length: 128, name: 'name_key' },
    area: { type: String, length: 128, nullable: true },
    source: { type: String, length: 16 },
    updatedAt: at('updated_at'),
  },
});

/** A street of a locality (TERYT ULIC: a street's SYM_UL is unique within its locality). */
export interface Street {
  id: number;
  localityId: number;
  code: string;
  /** As shown: the feature and the names, e.g. "ul. Działkowa". */
  name: string;
  /** Folded, without the feature ("dzialkowa"), so typing the name finds it. */
  nameKey: string;
  updatedAt: Date;
}
export const StreetEntity = new EntitySchema<Street>({
  name: 'Street',
  tableName: 'address_streets',
  columns: {
    id,
    localityId: { type: Number, name: 'locality_id' },
    code: { type: String, length: 64 },
    name: { type: String, length: 191 },
    nameKey: { type: String, length: 191, name: 'name_key' },
    updatedAt: at('updated_at'),
  },
});

/** An address point (house number and postcode) from a generic address-register CSV. */
export interface AddressPoint {
  id: number;
  localityId: number;
  streetId: number | null;
  number: string;
  postcode: string | null;
  updatedAt: Date;
}
export const AddressPointEntity = new EntitySchema<AddressPoint>({
  name: 'AddressPoint',
  tableName: 'address_points',
  columns: {
    id,
    localityId: { type: Number, name: 'locality_id' },
    streetId: { type: Number, name: 'street_id', nullable: true },
    number: { type: String, length: 32 },
    postcode: { type: String, length: 16, nullable: true },
    updatedAt: at('updated_at'),
  },
});

/** An interest a resident may choose (emergencies, water and roads, waste, culture, sport). */
export interface AlertCategory {
  id: number;
  code: string;
  name: string;
  updatedAt: Date;
}
export const AlertCategoryEntity = new EntitySchema<AlertCategory>({
  name: 'AlertCategory',
  tableName: 'alert_categories',
  columns: {
    id,
    code: { type: String, length: 32 },
    name: { type: String, length: 128 },
    updatedAt: at('updated_at'),
  },
});

export const SUBSCRIBER_STATES = ['active', 'left'] as const;
export type SubscriberState = (typeof SUBSCRIBER_STATES)[number];

/**
 * One resident's number and choice. A resident who chose no streets (wholeLocality) hears about
 * every street of the locality; one who chose streets hears about those and about the locality as
 * a whole. The row stays when they leave (state `left`, leftAt), for the consent history.
 */
export interface Subscriber {
  id: number;
  phone: string;
  localityId: number;
  wholeLocality: boolean;
  language: string;
  state: SubscriberState;
  createdAt: Date;
  updatedAt: Date;
  leftAt: Date | null;
}
export const SubscriberEntity = new EntitySchema<Subscriber>({
  name: 'Subscriber',
  tableName: 'alert_subscribers',
  columns: {
    id,
    phone: { type: String, length: 32 },
    localityId: { type: Number, name: 'locality_id' },
    wholeLocality: { type: Boolean, name: 'whole_locality' },
    language: { type: String, length: 8 },
    state: { type: String, length: 16 },
    createdAt: at('created_at'),
    updatedAt: at('updated_at'),
    leftAt: at('left_at', true),
  },
});

export interface SubscriberStreet {
  id: number;
  subscriberId: number;
  streetId: number;
}
export const SubscriberStreetEntity = new EntitySchema<SubscriberStreet>({
  name: 'SubscriberStreet',
  tableName: 'alert_subscriber_streets',
  columns: {
    id,
    subscriberId: { type: Number, name: 'subscriber_id' },
    streetId: { type: Number, name: 'street_id' },
  },
});

export interface SubscriberCategory {
  id: number;
  subscriberId: number;
  categoryCode: string;
}
export const SubscriberCategoryEntity = new EntitySchema<SubscriberCategory>({
  name: 'SubscriberCategory',
  tableName: 'alert_subscriber_categories',
  columns: {
    id,
    subscriberId: { type: Number, name: 'subscriber_id' },
    categoryCode: { type: String, length: 32, name: 'category_code' },
  },
});

export const alertEntities = [
  LocalityEntity,
  StreetEntity,
  AddressPointEntity,
  AlertCategoryEntity,
  SubscriberEntity,
  SubscriberStreetEntity,
  SubscriberCategoryEntity,
];
