/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The gateway's origin; http://127.0.0.1:8000 when unset. */
  readonly VITE_API_URL?: string;
}
