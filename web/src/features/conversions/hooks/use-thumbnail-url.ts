import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { conversionsApi } from '../api/conversions-api.ts';

/**
 * An object URL of a job's thumbnail while the caller is mounted (revoked after), fetched with the
 * session's token once `wanted`; undefined until then, and when there is none or it failed.
 */
export function useThumbnailUrl(thumbnailPath: string | null, wanted: boolean): string | undefined {
  const { data } = useQuery({
    queryKey: ['conversion-thumbnail', thumbnailPath],
    queryFn: () => conversionsApi.thumbnail(thumbnailPath as string),
    enabled: wanted && thumbnailPath !== null,
    // A job's thumbnail never changes; a failed one stays a placeholder rather than asking again.
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (data === undefined) return;
    const objectUrl = URL.createObjectURL(data);
    setUrl(objectUrl);
    return () => {
      URL.revokeObjectURL(objectUrl);
      setUrl(undefined);
    };
  }, [data]);
  return url;
}
