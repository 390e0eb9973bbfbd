import type { TargetFormat } from '@relay/contracts';

/** How a format is named to people: "PDF", "XLSX". */
export const formatLabel = (format: TargetFormat): string => format.toUpperCase();
