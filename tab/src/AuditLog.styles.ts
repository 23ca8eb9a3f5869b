import { makeStyles, tokens } from '@fluentui/react-components';

export const useAuditLogStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalM,
  },
  scroller: {
    overflowX: 'auto',
  },
  table: {
    minWidth: '56rem',
  },
  when: {
    whiteSpace: 'nowrap',
  },
  details: {
    color: tokens.colorNeutralForeground2,
    wordBreak: 'break-word',
  },
  runId: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
  },
  footer: {
    display: 'flex',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalM,
  },
  subtle: {
    color: tokens.colorNeutralForeground3,
  },
});
