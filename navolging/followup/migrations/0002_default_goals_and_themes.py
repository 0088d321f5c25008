"""A start for the programme office: example goals and themes, to change or take out of use."""

from django.db import migrations

GOALS = [
    (
        "We spreken ongewenst gedrag aan als we het zien.",
        "We address undesirable behaviour when we see it.",
    ),
    (
        "We bespreken in het team wat wel en niet past.",
        "We discuss in the team what is and is not acceptable.",
    ),
    (
        "Wie iets meldt, wordt serieus genomen en krijgt steun.",
        "Whoever reports something is taken seriously and supported.",
    ),
    (
        "Leidinggevenden geven het goede voorbeeld.",
        "Managers set the right example.",
    ),
    (
        "We vragen elkaar om feedback en geven die ook.",
        "We ask each other for feedback and give it too.",
    ),
]

THEMES = [
    ("Aanspreken", "Addressing behaviour"),
    ("Feedback", "Feedback"),
    ("Melden", "Reporting"),
    ("Omstanders", "Bystanders"),
    ("Teamafspraken", "Team agreements"),
    ("Voorbeeldgedrag", "Leading by example"),
]


def seed(apps, schema_editor):
    Goal = apps.get_model("followup", "Goal")
    Theme = apps.get_model("followup", "Theme")
    if not Goal.objects.exists():
        Goal.objects.bulk_create(
            Goal(text_nl=nl, text_en=en, order=number) for number, (nl, en) in enumerate(GOALS)
        )
    for nl, en in THEMES:
        Theme.objects.get_or_create(name_nl=nl, defaults={"name_en": en})


def unseed(apps, schema_editor):
    Goal = apps.get_model("followup", "Goal")
    Theme = apps.get_model("followup", "Theme")
    Goal.objects.filter(text_nl__in=[nl for nl, _en in GOALS], progress__isnull=True).delete()
    Theme.objects.filter(name_nl__in=[nl for nl, _en in THEMES], bestpractice__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("followup", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
