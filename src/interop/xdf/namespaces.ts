/** The XML namespaces of the formats the importer reads and writes. */
export const XDF1_NAMESPACE = 'urn:xoev-de:fim:standard:xdatenfelder_1';
export const XDF2_NAMESPACE = 'urn:xoev-de:fim:standard:xdatenfelder_2';
export const XDF3_NAMESPACE = 'urn:xoev-de:fim:standard:xdatenfelder_3.0.0';
export const GENERICODE_NAMESPACE = 'http://docs.oasis-open.org/codelist/ns/genericode/1.0/';
