import { makeStyles, tokens } from '@fluentui/react-components';

export const useLoadErrorStyles = makeStyles({
  root: {
    marginTop: tokens.spacingVerticalS,
    marginBottom: tokens.spacingVerticalS,
  },
});
