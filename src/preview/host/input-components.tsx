/**
 * UI Kit form controls, mapped to Atlaskit select, textfield, textarea, toggle, radio and form layout. Changes go
 * to the app as plain values or `{ target: { type, value, checked } }` events, the shape `useForm` reads.
 */
import { useEffect, useState, type ChangeEvent, type FormEvent, type ReactElement } from 'react';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import TextArea from '@atlaskit/textarea';
import Toggle from '@atlaskit/toggle';
import { RadioGroup } from '@atlaskit/radio';
import { FormFooter, FormHeader, FormSection } from '@atlaskit/form';
import type { ComponentMap, HostComponentProps } from './render-doc';
import {
  callApp,
  serialisableEvent,
  readArray,
  readBoolean,
  readCallback,
  readString,
  type DocProps,
} from './prop-readers';

/** Values crossing to the app are copied, so the app never holds host objects (as over Forge's bridge). */
function plain(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

function SelectHost({ props }: HostComponentProps): ReactElement {
  const onChange = readCallback(props, 'onChange');
  const optional = (name: string) => (props[name] === undefined ? {} : { [name]: props[name] });
  return (
    <Select
      inputId={readString(props, 'inputId') ?? readString(props, 'id')}
      name={readString(props, 'name')}
      options={(readArray(props, 'options') ?? []) as { label: string; value: unknown }[]}
      {...optional('value')}
      {...optional('defaultValue')}
      isMulti={readBoolean(props, 'isMulti') as false | undefined}
      isClearable={readBoolean(props, 'isClearable')}
      isDisabled={readBoolean(props, 'isDisabled')}
      isSearchable={readBoolean(props, 'isSearchable')}
      placeholder={readString(props, 'placeholder')}
      spacing={readString(props, 'spacing') === 'compact' ? 'compact' : 'default'}
      classNamePrefix="ui-kit-select"
      testId={readString(props, 'testId')}
      menuPortalTarget={document.body}
      onChange={(value) => callApp(onChange, plain(value))}
    />
  );
}

/**
 * Keeps the typed text locally as well as in the app: the app's value comes back a commit later, and a field that
 * waited for it would drop keystrokes.
 */
function useMirroredValue(props: DocProps): [string, (next: string) => void] {
  const appValue = readString(props, 'value');
  const [value, setValue] = useState(appValue ?? readString(props, 'defaultValue') ?? '');
  useEffect(() => {
    if (appValue !== undefined) setValue(appValue);
  }, [appValue]);
  return [value, setValue];
}

function TextfieldHost({ props }: HostComponentProps): ReactElement {
  const [value, setValue] = useMirroredValue(props);
  const onChange = readCallback(props, 'onChange');
  const type = readString(props, 'type') ?? 'text';
  return (
    <Textfield
      id={readString(props, 'id')}
      name={readString(props, 'name')}
      type={type}
      value={value}
      placeholder={readString(props, 'placeholder')}
      isDisabled={readBoolean(props, 'isDisabled')}
      isInvalid={readBoolean(props, 'isInvalid')}
      isReadOnly={readBoolean(props, 'isReadOnly')}
      isRequired={readBoolean(props, 'isRequired')}
      testId={readString(props, 'testId')}
      onChange={(event: ChangeEvent<HTMLInputElement>) => {
        setValue(event.target.value);
        callApp(
          onChange,
          serialisableEvent('change', { type, value: event.target.value, name: event.target.name }),
        );
      }}
      onBlur={() => callApp(readCallback(props, 'onBlur'))}
    />
  );
}

function TextAreaHost({ props }: HostComponentProps): ReactElement {
  const [value, setValue] = useMirroredValue(props);
  const onChange = readCallback(props, 'onChange');
  return (
    <TextArea
      id={readString(props, 'id')}
      name={readString(props, 'name')}
      value={value}
      placeholder={readString(props, 'placeholder')}
      isDisabled={readBoolean(props, 'isDisabled')}
      testId={readString(props, 'testId')}
      onChange={(event: ChangeEvent<HTMLTextAreaElement>) => {
        setValue(event.target.value);
        callApp(
          onChange,
          serialisableEvent('change', {
            type: 'textarea',
            value: event.target.value,
            name: event.target.name,
          }),
        );
      }}
    />
  );
}

function ToggleHost({ props }: HostComponentProps): ReactElement {
  const onChange = readCallback(props, 'onChange');
  const isChecked = readBoolean(props, 'isChecked');
  return (
    <Toggle
      id={readString(props, 'id')}
      name={readString(props, 'name')}
      label={readString(props, 'label')}
      {...(isChecked === undefined
        ? { defaultChecked: readBoolean(props, 'defaultChecked') }
        : { isChecked })}
      isDisabled={readBoolean(props, 'isDisabled')}
      testId={readString(props, 'testId')}
      onChange={(event: ChangeEvent<HTMLInputElement>) =>
        callApp(
          onChange,
          serialisableEvent('change', {
            type: 'checkbox',
            checked: event.target.checked,
            name: event.target.name,
          }),
        )
      }
    />
  );
}

/** Atlaskit's checkbox package is not installed with UI Kit, so the checkbox is a labelled native input. */
function CheckboxHost({ props }: HostComponentProps): ReactElement {
  const onChange = readCallback(props, 'onChange');
  const isChecked = readBoolean(props, 'isChecked');
  return (
    <label style={{ display: 'inline-flex', gap: 6, alignItems: 'center' }}>
      <input
        type="checkbox"
        name={readString(props, 'name')}
        value={readString(props, 'value')}
        disabled={readBoolean(props, 'isDisabled')}
        {...(isChecked === undefined
          ? { defaultChecked: readBoolean(props, 'defaultChecked') }
          : { checked: isChecked })}
        onChange={(event) =>
          callApp(
            onChange,
            serialisableEvent('change', {
              type: 'checkbox',
              checked: event.target.checked,
              name: event.target.name,
            }),
          )
        }
      />
      {readString(props, 'label')}
    </label>
  );
}

function RadioGroupHost({ props }: HostComponentProps): ReactElement {
  const onChange = readCallback(props, 'onChange');
  const value = readString(props, 'value');
  return (
    <RadioGroup
      name={readString(props, 'name')}
      options={(readArray(props, 'options') ?? []) as { label: string; value: string; name?: string }[]}
      {...(value === undefined ? { defaultValue: readString(props, 'defaultValue') } : { value })}
      isDisabled={readBoolean(props, 'isDisabled')}
      onChange={(event: ChangeEvent<HTMLInputElement>) =>
        callApp(
          onChange,
          serialisableEvent('change', { type: 'radio', value: event.target.value, name: event.target.name }),
        )
      }
    />
  );
}

function FormHost({ props, children }: HostComponentProps): ReactElement {
  const onSubmit = readCallback(props, 'onSubmit');
  return (
    <form
      noValidate
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        callApp(onSubmit);
      }}
    >
      {children}
    </form>
  );
}

export const INPUT_COMPONENTS: ComponentMap = {
  Select: SelectHost,
  Textfield: TextfieldHost,
  TextArea: TextAreaHost,
  Toggle: ToggleHost,
  Checkbox: CheckboxHost,
  RadioGroup: RadioGroupHost,
  Form: FormHost,
  FormHeader: ({ props, children }) => <FormHeader title={readString(props, 'title')}>{children}</FormHeader>,
  FormSection: ({ props, children }) => (
    <FormSection title={readString(props, 'title')}>{children}</FormSection>
  ),
  FormFooter: ({ props, children }) => (
    <FormFooter align={readString(props, 'align') === 'start' ? 'start' : 'end'}>{children}</FormFooter>
  ),
};
