interface TransportRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: BodyInit | undefined;
  onUploadProgress?: ((fraction: number) => void) | undefined;
}

/** Sends one request with the refresh cookie along; a Response either way, throws only when nothing answered. */
export type Transport = (request: TransportRequest) => Promise<Response>;

/** A gateway that accepts a connection but never answers must not leave a page loading for ever. */
const TIMEOUT_MS = 20_000;

export const browserTransport: Transport = ({ url, method, headers, body, onUploadProgress }) =>
  onUploadProgress === undefined
    ? fetch(url, {
        method,
        headers,
        body: body ?? null,
        credentials: 'include',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      })
    : sendWithUploadProgress({ url, method, headers, body, onUploadProgress });

/** fetch() cannot report upload progress; XMLHttpRequest can. */
function sendWithUploadProgress({
  url,
  method,
  headers,
  body,
  onUploadProgress,
}: TransportRequest & { onUploadProgress: (fraction: number) => void }): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.withCredentials = true;
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onUploadProgress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      const hasBody = xhr.status !== 204 && xhr.status !== 205;
      resolve(
        new Response(hasBody ? xhr.responseText : null, {
          status: xhr.status,
          headers: { 'content-type': xhr.getResponseHeader('content-type') ?? '' },
        }),
      );
    });
    xhr.addEventListener('error', () => reject(new TypeError('Network request failed')));
    xhr.send((body ?? null) as XMLHttpRequestBodyInit | null);
  });
}
