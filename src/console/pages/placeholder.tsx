import { pageContext, signedIn } from '../access.js';
import type { ConsolePages } from '../ConsoleServices.js';
import { sendPage } from '../render.js';
import { Layout } from '../ui/Layout.js';
import { SECTIONS } from '../ui/sections.js';

/**
 * A page for each section whose real page is not built yet ("being built"), so the navigation is
 * complete from the start. Registered after every real page: a real route for the same path wins.
 */
export const placeholderPages: ConsolePages = (router) => {
  for (const section of SECTIONS) {
    const path = section.path.replace(/^\/console/, '') || '/';
    router.get(path, signedIn(...section.roles), (req, res) => {
      const ctx = pageContext(req, res);
      const { t } = ctx;
      sendPage(
        res,
        <Layout ctx={ctx} title={t(section.label)} section={section.id}>
          <p>{t('placeholder.body')}</p>
          <p>
            <a href="/console">{t('message.goHome')}</a>
          </p>
        </Layout>,
      );
    });
  }
};
