"""Page tree rules and renderability of every home page type."""

from datetime import date

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from budget.models import BudgetPage
from councils.models import CouncilIndexPage
from councils.votes.models import ConsultationIndexPage
from home.models import ArticleIndexPage, ArticlePage, HomePage, StandardPage, TutorialPage
from volunteering.models import VolunteeringIndexPage

from .utils import make_article, make_article_index, make_home


class PageTreeRulesTests(WagtailPageTestCase):
    """The tree stays sensible: editors can only add pages where they belong."""

    def test_home_page_sits_at_the_root_only(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertEqual(HomePage.max_count, 1)

    def test_home_page_children(self):
        self.assertAllowedSubpageTypes(
            HomePage,
            {ArticleIndexPage, TutorialPage, StandardPage, CouncilIndexPage, BudgetPage, ConsultationIndexPage,
             VolunteeringIndexPage},
        )

    def test_articles_live_only_under_an_article_index(self):
        self.assertAllowedParentPageTypes(ArticlePage, {ArticleIndexPage})
        self.assertAllowedSubpageTypes(ArticleIndexPage, {ArticlePage})
        self.assertAllowedSubpageTypes(ArticlePage, set())

    def test_tutorials_and_standard_pages(self):
        self.assertAllowedParentPageTypes(TutorialPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(TutorialPage, set())
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage, TutorialPage})

    def test_every_page_type_is_renderable(self):
        home = make_home()
        index = make_article_index(home)
        article = make_article(index, "Un article", date(2026, 1, 5))
        tutorial = TutorialPage(title="Tuto", slug="tuto", steps=[])
        home.add_child(instance=tutorial)
        standard = StandardPage(title="À propos", slug="a-propos")
        home.add_child(instance=standard)
        for page in (home, index, article, tutorial, standard):
            with self.subTest(page=page.title):
                self.assertPageIsRenderable(page)

    def test_editor_can_create_an_article_through_the_admin_form(self):
        home = make_home()
        index = make_article_index(home)
        self.login()
        self.assertCanCreate(
            index,
            ArticlePage,
            {
                "title": "Nouvel article",
                "slug": "nouvel-article",
                "date": "2026-03-01",
                "intro": "Un résumé",
                "body-count": "0",
                "tags": "vote, quartier",
            },
        )
        article = ArticlePage.objects.get(slug="nouvel-article")
        self.assertEqual(sorted(article.tags.names()), ["quartier", "vote"])
