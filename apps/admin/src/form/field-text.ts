// Label and one-line explanation of every run form field, as shown next to the inputs. The words live in
// field-text.json (copy, not code); the type makes sure every form field has its text.
import fieldText from './field-text.json';
import type { FormField } from './run-form-model.js';

export interface FieldText { label: string; help: string }

export const FIELD_TEXT: Record<FormField, FieldText> = fieldText;
