import { makeStyles, tokens } from '@fluentui/react-components';

export const useProcedureListStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalM,
  },
  list: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(18rem, 1fr))',
    gap: tokens.spacingHorizontalL,
  },
  item: {
    display: 'flex',
  },
  // A plain card (Fluent's Card adds 30 KB for focus handling these static cards do not need).
  card: {
    flexGrow: 1,
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalL,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground1,
    boxShadow: tokens.shadow4,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorTransparentStroke}`,
  },
  summary: {
    margin: 0,
    color: tokens.colorNeutralForeground2,
  },
  footer: {
    marginTop: 'auto',
    paddingTop: tokens.spacingVerticalS,
  },
});
