import { type FormEvent, useState } from 'react';
import type { Field } from './auth-fields.ts';

type Errors<F extends string> = Partial<Record<F, string>>;

/**
 * A form of named text inputs, checked by `fields` on submit (the first broken one focused) and, after
 * a failed submit, each again as it changes: what react-hook-form did here, in a few hundred bytes.
 */
export function useCheckedForm<F extends string>(fields: Record<F, Field>) {
  const [errors, setErrors] = useState<Errors<F>>({});
  const [submitted, setSubmitted] = useState(false);
  const names = Object.keys(fields) as F[];
  const read = (form: HTMLFormElement, name: F) => fields[name](String(new FormData(form).get(name) ?? ''));

  const handleSubmit = (send: (values: Record<F, string>) => void) => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSubmitted(true);
    const form = event.currentTarget;
    const values = {} as Record<F, string>;
    const found: Errors<F> = {};
    for (const name of names) {
      const result = read(form, name);
      if ('error' in result) found[name] = result.error;
      else values[name] = result.value;
    }
    setErrors(found);
    const firstBroken = names.find((name) => found[name] !== undefined);
    if (firstBroken === undefined) send(values);
    else (form.elements.namedItem(firstBroken) as HTMLElement | null)?.focus();
  };

  const handleChange = (event: FormEvent<HTMLFormElement>) => {
    const name = (event.target as HTMLInputElement).name as F;
    if (!submitted || !names.includes(name)) return;
    const result = read(event.currentTarget, name);
    setErrors((current) => ({ ...current, [name]: 'error' in result ? result.error : undefined }));
  };

  /** For the gateway's per-field answers; a path that names none of the fields is left out. */
  const setError = (path: string, message: string) => {
    const name = names.find((candidate) => candidate === path);
    if (name !== undefined) setErrors((current) => ({ ...current, [name]: message }));
  };

  return { errors, handleSubmit, handleChange, setError };
}
