import { makeStaticStyles, makeStyles, tokens } from '@fluentui/react-components';

export const useTabAppStyles = makeStyles({
  provider: {
    minHeight: '100vh',
    backgroundColor: tokens.colorNeutralBackground2,
  },
  centered: {
    display: 'flex',
    justifyContent: 'center',
    paddingTop: tokens.spacingVerticalXXXL,
  },
  main: {
    maxWidth: '80rem',
    marginLeft: 'auto',
    marginRight: 'auto',
    paddingTop: tokens.spacingVerticalXL,
    paddingBottom: tokens.spacingVerticalXXXL,
    paddingLeft: tokens.spacingHorizontalXL,
    paddingRight: tokens.spacingHorizontalXL,
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalXXL,
  },
  header: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalXS,
  },
  subtle: {
    color: tokens.colorNeutralForeground3,
  },
  sections: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalXXL,
  },
  message: {
    fontFamily: tokens.fontFamilyMonospace,
  },
});

/** The page itself: no browser margin around the Teams frame. Shared by both pages. */
export const usePageStyles = makeStaticStyles({
  body: { margin: 0 },
  // Spacing comes from the layouts' gaps, not from the browser's default heading and paragraph margins.
  'h1, h2, h3, p': { marginTop: 0, marginBottom: 0 },
});
