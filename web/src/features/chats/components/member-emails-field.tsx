import { TextField } from '../../../design/text-field.tsx';

interface MemberEmailsFieldProps {
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
}

export function MemberEmailsField({ value, onChange, error }: MemberEmailsFieldProps) {
  return (
    <TextField
      label="Members' emails"
      multiline
      rows={3}
      autoComplete="off"
      spellCheck={false}
      hint="Separate addresses with commas or new lines. People without an account are invited."
      error={error}
      value={value}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}
