import { makeStyles, tokens } from '@fluentui/react-components';

export const useRunListStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalM,
  },
  // Wide tables scroll sideways inside the narrow Teams side panel instead of squeezing their columns.
  scroller: {
    overflowX: 'auto',
  },
  table: {
    minWidth: '60rem',
  },
  stack: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-start',
    rowGap: tokens.spacingVerticalXXS,
  },
  colStatus: { width: '11rem' },
  colDate: { width: '11rem' },
  subtle: {
    color: tokens.colorNeutralForeground3,
  },
});
