import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
} from '@fluentui/react-components';
import { errorText } from './error-text.js';
import { tt, type Locale } from './i18n.js';
import { useLoadErrorStyles } from './LoadError.styles.js';

/** A failed load: the server's message (or ours) and a Retry button. */
export function LoadError(props: {
  readonly locale: Locale;
  readonly error: unknown;
  readonly onRetry: () => void;
}) {
  const styles = useLoadErrorStyles();
  return (
    <MessageBar intent="error" layout="multiline" className={styles.root}>
      <MessageBarBody>
        <MessageBarTitle>{tt(props.locale, 'error.title')}</MessageBarTitle>
        {errorText(props.locale, props.error)}
      </MessageBarBody>
      <MessageBarActions>
        <Button appearance="secondary" onClick={props.onRetry}>
          {tt(props.locale, 'error.retry')}
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}
