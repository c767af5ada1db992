"""The kind of an opportunity, precision first, with its evidence (sentences of our own)."""

import pytest

from pipeline.tagging.kind import decide_kind


def kind_of(title, description="", employment_type=None, hours_max=None, **more):
    return decide_kind(title, description, employment_type, hours_max, False, None, **more)


@pytest.mark.parametrize(
    ("title", "employment_type", "expected"),
    [
        # internship words of the languages real boards use
        ("Stage de fin d'études - Développeur", "Stage de fin d'études", "internship"),
        ("Chef de projet - Stage Paris", None, "internship"),
        ("Stagiaire Marketing", None, "internship"),
        ("Alternance - Chargé de communication", None, "internship"),
        ("Praktikum im Vertrieb (m/w/d)", None, "internship"),
        ("Prácticas en Finanzas", None, "internship"),
        ("Becario de Datos", None, "internship"),
        ("Estágio em Engenharia", None, "internship"),
        ("Stagiair Grafisch Ontwerp", None, "internship"),
        ("Tirocinio Ufficio Legale", None, "internship"),
        ("Staż w dziale HR", None, "internship"),
        ("Placement Software Engineer", "Temporary", "internship"),
        # "stage" in English, a working student and a new graduate are not internships
        ("Product Manager (Early Stage Focus)", "FullTime", "job"),
        ("Stage Manager", None, "job"),
        ("Werkstudent Data Annotation", "PartTime", "job"),
        ("Software Engineer, New Grad", "FullTime", "job"),
    ],
)
def test_internship_words(title, employment_type, expected):
    assert kind_of(title, employment_type=employment_type).kind == expected


def test_a_program_for_students_that_its_text_calls_an_internship():
    text = "Our accelerator is a 3-6 month internship programme for current university students."
    found = kind_of("Accelerator Program - Data Analyst", employer_text=text)
    assert found.kind == "internship"
    assert "internship programme" in found.evidence
    # a recruiter who runs the internship program is not an intern
    assert kind_of("Recruiting Coordinator", "You will run our internship program.").kind == "job"


@pytest.mark.parametrize(
    ("title", "description", "employment_type", "hours_max", "more"),
    [
        # a permanent contract with an interview step of one hour
        ("Engineering Manager - CDI Paris", "Cultural fit (1h).", "CDI", 1, {}),
        # a contract for experienced professionals that mentions a project
        (
            "Technical Program Manager",
            "Lead a short-term project with our partners. 8+ years of experience required.",
            "Contract",
            None,
            {},
        ),
        ("Senior Data Engineer", "A 30-hour project to migrate our warehouse.", "Contract", 30, {}),
        # benefits and a yearly salary are regular employment
        (
            "Content Writer",
            "Freelance project: write our blog.",
            "Contract",
            None,
            {"employer_text": "Benefits package with 401(k) and health insurance."},
        ),
        ("Analyst", "Short-term project for our finance team.", None, None, {"pay_unit": "year"}),
        # full-time over a period is not an effort statement of a short project
        ("Founder's Associate", "You will help our CEO.", "FullTime", 40, {"stated_effort": False}),
    ],
)
def test_regular_employment_is_never_a_micro_internship(
    title, description, employment_type, hours_max, more
):
    found = kind_of(title, description, employment_type, hours_max, **more)
    assert found.kind != "micro-internship", found


@pytest.mark.parametrize(
    ("title", "description", "employment_type", "hours_max"),
    [
        ("Micro-Internship: Pricing Research", "", None, None),
        ("Market Sizing for a Coffee Roaster", "A paid short project of about 12 hours.", None, 12),
        ("Survey Analysis", "This short-term paid project suits a student.", None, None),
        ("Brand Kit", "Students build a logo as a project.", "Freelance", None),
    ],
)
def test_micro_internships_on_positive_evidence(title, description, employment_type, hours_max):
    found = kind_of(title, description, employment_type, hours_max)
    assert found.kind == "micro-internship"
    assert found.evidence


def test_a_senior_title_with_an_explicit_micro_internship_name_is_still_one():
    assert kind_of("Micro-Internship: Senior Care Resource Guide").kind == "micro-internship"


def test_evidence_of_a_job_names_the_regular_employment():
    found = kind_of("Backend Engineer", "5+ years of experience with Go.", "FullTime")
    assert found.kind == "job"
    assert found.evidence and len(found.evidence) <= 120


@pytest.mark.parametrize(
    ("title", "employment_type", "expected"),
    [
        ("Data Analytics Job Simulation", None, "simulation"),
        ("Law Firm Virtual Work Experience", None, "simulation"),
        ("Senior Simulation Engineer", "FullTime", "job"),
        ("Monte Carlo Simulation Physicist", "FullTime", "job"),
        ("Volunteer Reading Buddy", None, "volunteer"),
        ("Patient Ambassador Volunteer", None, "volunteer"),
        ("Marketing Manager, Volunteer Community", "FullTime", "job"),
        ("Volunteer Program Coordinator", "FullTime", "job"),
    ],
)
def test_a_simulation_or_a_volunteer_role_is_the_role_itself(title, employment_type, expected):
    assert kind_of(title, employment_type=employment_type).kind == expected
