import { useQuery } from '@tanstack/react-query';
import { conversionsApi } from '../api/conversions-api.ts';

/** The targets each source format converts to; it changes only with a deploy. */
export function useConversionFormats() {
  return useQuery({ queryKey: ['conversion-formats'], queryFn: conversionsApi.formats, staleTime: Infinity });
}
