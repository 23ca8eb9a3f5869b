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
  // Fluent's Table lays columns out at equal widths: give the short ones a fixed width, the rest to details.
  colWhen: { width: '11rem' },
  colActor: { width: '10rem' },
  colAction: { width: '12rem' },
  colResult: { width: '6rem' },
  colRun: { width: '7rem' },
  when: {
    whiteSpace: 'nowrap',
  },
  details: {
    color: tokens.colorNeutralForeground2,
    overflowWrap: 'anywhere',
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
