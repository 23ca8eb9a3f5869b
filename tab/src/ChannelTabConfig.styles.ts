import { makeStyles, tokens } from '@fluentui/react-components';

export const useChannelTabConfigStyles = makeStyles({
  provider: {
    minHeight: '100vh',
  },
  main: {
    maxWidth: '40rem',
    paddingTop: tokens.spacingVerticalXL,
    paddingBottom: tokens.spacingVerticalXL,
    paddingLeft: tokens.spacingHorizontalXL,
    paddingRight: tokens.spacingHorizontalXL,
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalM,
  },
  centered: {
    display: 'flex',
    justifyContent: 'center',
    paddingTop: tokens.spacingVerticalXXXL,
  },
});
