/** The seed's rule: a resource is contended when PSI `some avg10` is above 10 %. */
export const DEFAULT_CONTENTION_THRESHOLD = 10;
