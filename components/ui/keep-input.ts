import { startTransition, type FormEvent } from "react";

/**
 * An `onSubmit` for a form whose action must keep what was typed: React 19 resets a form after its `action` prop
 * runs, so a refused submission would empty the fields. This handler stops the native submit, reads the fields
 * into a FormData and hands it to `dispatch` (a useActionState dispatcher) inside a transition, leaving the form
 * as it is. Clearing after a success is the form's own choice.
 */
export function submitKeepingInput(dispatch: (form: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(() => dispatch(form));
  };
}
