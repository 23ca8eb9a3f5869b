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
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalS,
  },
  filter: { minWidth: '10rem' },
  toolbarActions: {
    display: 'flex',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalS,
    marginLeft: 'auto',
  },
  wide: { flexBasis: '100%' },
  stack: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalXXS,
  },
  when: {
    whiteSpace: 'nowrap',
  },
  details: {
    color: tokens.colorNeutralForeground2,
    overflowWrap: 'anywhere',
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
