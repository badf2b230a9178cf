"""Name tables for the synthetic registrations of bench/registry_synth.py.

Lists are in rough order of frequency within each group (the generator draws ranks from a Zipf law, so the first
names of a list are very common and collide between distinct people, as they do in the field). Each canonical name
is written through TOKEN_SPELLINGS and the compound rules below: every registration picks one spelling.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

GROUPS = ("pashto", "dari", "urdu", "punjabi", "baloch")

_SHARED_MALE = """
Muhammad Ali|Muhammad Yousaf|Abdul Rehman|Muhammad Iqbal|Muhammad Akram|Muhammad Aslam|Muhammad Ashraf|Muhammad
Usman|Muhammad Arif|Muhammad Nawaz|Muhammad Saleem|Muhammad Rafiq|Muhammad Ishaq|Muhammad Ibrahim|Muhammad Ismail|
Muhammad Idrees|Muhammad Younas|Muhammad Hanif|Muhammad Tariq|Muhammad Bilal|Muhammad Imran|Muhammad Asif|Ali|Ahmad|
Hassan|Hussain|Umar|Usman|Bilal|Abdullah|Ibrahim|Ismail|Yousaf|Ayub|Idrees|Ilyas|Younas|Yaqoob|Suleman|Zakaria|
Hamza|Abdul Rahim|Abdul Qadir|Abdul Ghani|Abdul Karim|Abdul Wahab|Abdul Hameed|Abdul Majeed|Abdul Razzaq|Abdul
Sattar|Abdul Jabbar|Abdul Basit|Abdul Hadi|Abdul Wali|Abdul Malik|Abdul Samad|Abdul Latif|Abdul Aziz|Abdul Haq|Abdul
Salam|Abdul Qayyum|Abdul Khaliq|Noor Muhammad|Noor Ahmad|Dost Muhammad|Jan Muhammad|Gul Muhammad|Sher Muhammad|Faiz
Muhammad|Khan Muhammad|Tariq|Khalid|Rashid|Shahid|Zahid|Sajid|Waheed|Naveed|Javed|Pervaiz|Shafiq|Rafiq|Saleem|Naeem|
Kareem|Raheem|Hameed|Majeed|Haroon|Imran|Kamran|Irfan|Adnan|Farooq|Mushtaq|Ishtiaq|Iftikhar|Zulfiqar|Mehmood|Masood|
Shahzad|Fawad|Junaid|Waqas|Zeeshan|Faisal|Nadeem|Aamir|Yasir|Asad|Hamid|Sohail
"""
_PASHTO_MALE = """
Habib Ullah|Sami Ullah|Ihsan Ullah|Rahmat Ullah|Aman Ullah|Hidayat Ullah|Kalim Ullah|Naqib Ullah|Asad Ullah|Ubaid
Ullah|Zia Ullah|Saif Ullah|Ata Ullah|Hameed Ullah|Inayat Ullah|Khalil Ullah|Rafi Ullah|Shafi Ullah|Wali Ullah|Naeem
Ullah|Najeeb Ullah|Noor Ullah|Rahim Ullah|Shams Ullah|Zabih Ullah|Amin Ullah|Qudrat Ullah|Faiz Ullah|Lutf Ullah|Ruh
Ullah|Izzat Ullah|Hikmat Ullah|Gul Khan|Sher Khan|Akbar Khan|Bahadar Khan|Zar Khan|Gul Zaman|Noor Zaman|Shah Zaman|Gul
Rahman|Fazal Rahman|Ata ur Rahman|Hafeez ur Rahman|Saeed ur Rahman|Aziz ur Rahman|Mujeeb ur Rahman|Shafiq ur Rahman|Zia
ur Rahman|Obaid ur Rahman|Siraj ud Din|Salah ud Din|Zahir ud Din|Fakhr ud Din|Nasir ud Din|Moin ud Din|Ala ud
Din|Shams ud Din|Jalal ud Din|Qamar ud Din|Mir Wais|Zalmai|Gulab|Sher Ali|Sher Zaman|Badshah|Bakht Zada|Shah Wali|Gul
Wali|Said Akbar|Said Rahman|Fazal Haq|Fazal Wahab|Fazal Karim|Taj Muhammad|Taj Wali|Jehangir|Sardar Ali|Nek
Muhammad|Wazir Khan|Momin Khan|Dilawar Khan|Anwar Khan|Afzal Khan|Umar Khan|Lal Badshah|Mast Khan|Shahid Khan|Naseeb
Gul|Zareen Gul|Malang|Pir Muhammad|Mir Alam|Juma Khan|Khial Muhammad|Shah Jehan|Sultan Muhammad|Rozi Khan
"""
_DARI_MALE = """
Ahmad Shah|Ahmad Zia|Abdul Ahad|Sayed Ahmad|Sayed Jan|Bashir Ahmad|Nazir Ahmad|Farid Ahmad|Jawad|Qasim|Mahmood|Nasir
Ahmad|Habib|Mir Wais|Wahid|Mujib|Farhad|Jamshid|Omid|Sameer|Mustafa|Daud|Haroon|Yama|Parwiz|Fardin|Sharif|Nabi|Sultan
Ali|Ghulam Sakhi|Ghulam Haidar|Ghulam Sarwar|Ghulam Nabi|Ali Reza|Ali Ahmad|Hussain Ali|Muhammad Nabi|Muhammad
Hassan|Muhammad Hussain|Muhammad Karim|Muhammad Ewaz|Muhammad Zahir|Muhammad Azim|Muhammad Anwar|Abdul Qudus|Abdul
Rauf|Abdul Hakim|Abdul Wakil|Abdul Manan|Sakhi Dad|Khuda Dad|Gul Ahmad|Nazar Muhammad|Juma Gul|Ramazan|Qurban
Ali|Eid Muhammad|Nauroz|Zabiullah|Najibullah|Hekmatullah|Rohullah|Ezatullah|Aminullah|Obaidullah|Khalilullah
"""
_URDU_MALE = """
Syed Ali|Syed Hassan|Syed Muhammad|Ghulam Rasool|Ghulam Mustafa|Ghulam Hussain|Ghulam Abbas|Ghulam Qadir|Ghulam
Muhammad|Ghulam Nabi|Ghulam Haider|Ghulam Sarwar|Ghulam Farid|Muhammad Arshad|Muhammad Shahid|Muhammad Zubair|Muhammad
Waseem|Muhammad Kashif|Muhammad Naeem|Muhammad Rizwan|Muhammad Salman|Muhammad Adil|Muhammad Faheem|Muhammad
Sohail|Muhammad Javed|Muhammad Anwar|Muhammad Akhtar|Muhammad Jameel|Muhammad Shafi|Muhammad Siddique|Muhammad
Saeed|Muhammad Aamir|Muhammad Abbas|Muhammad Hussain|Muhammad Hassan|Muhammad Qasim|Muhammad Sharif|Muhammad
Ramzan|Muhammad Sadiq|Muhammad Latif|Muhammad Khalid|Anwar|Akhtar|Shakeel|Jameel|Aqeel|Wasim|Rizwan|Kashif|Arshad|
Zubair|
Fahim|Salman|Adil|Danish|Owais|Talha|Ammar|Saad|Abid|Atif|Noman|Shoaib
"""
_PUNJABI_MALE = """
Allah Ditta|Allah Bakhsh|Allah Rakha|Allah Wasaya|Khuda Bakhsh|Ghulam Farid|Ghulam Qadir|Muhammad Ramzan|Muhammad
Riaz|Muhammad Boota|Muhammad Latif|Muhammad Amin|Muhammad Shafique|Muhammad Sarwar|Muhammad Anwar|Muhammad
Rafique|Muhammad Akbar|Muhammad Afzal|Muhammad Yaqoob|Muhammad Sadiq|Muhammad Din|Fazal Din|Nizam Din|Imam
Din|Karam Din|Siraj Din|Noor Din|Mehar Din|Sharif|Boota|Manzoor|Nazir|Bashir|Nasir|Munir|Sabir|Jabbar|Sattar|Ghafoor|
Shakoor|Razzaq|Rehmat Ali|Barkat Ali|Sardar Ali|Liaqat Ali|Niaz Ali|Mehr Ali|Qadir Bakhsh|Rab Nawaz|Shah Nawaz|Haq
Nawaz|Ahmad Nawaz|Mumtaz|Iqbal|Asghar|Akram|Aslam|Ashraf|Arshad|Afzal|Amjad|Tanveer|Tahir|Zafar|Waris|Jamshed
"""
_BALOCH_MALE = """
Dad Muhammad|Khuda Bakhsh|Jan Muhammad|Dost Muhammad|Sardar|Mir Hazar|Mir Jan|Nawab|Bijar|Chakar|Hammal|Balach|Shahdad|
Murad|Pir Bakhsh|Karim Bakhsh|Wazir|Mehrab|Dilawar|Gulzar|Sohrab|Rustam|Baran|Dad Karim|Mir Ahmad|Mir Muhammad|Abdul
Nabi|Haji Muhammad|Lal Bakhsh|Mola Bakhsh|Allah Dad|Bahram|Jangi Khan|Shams Baloch|Nazar|Bashir Baloch|Ghaus Bakhsh|Ali
Sher|Mir Dost|Sher Jan|Baloch Khan|Nabi Bakhsh|Imam Bakhsh|Sher Muhammad|Din Muhammad|Gul Hasan|Akhtar Jan|Manzoor
Ahmad|Rahim Bakhsh|Faqir Muhammad
"""
_SHARED_FEMALE = """
Fatima|Khadija|Ayesha|Zainab|Maryam|Amina|Hajra|Rukhsana|Shabana|Nasreen|Parveen|Shazia|Naseem|Razia|Sakina|Zubaida|
Kulsoom|Saima|Sadia|Samina|Shamim|Farzana|Nusrat|Bushra|Asma|Nazia|Rubina|Tahira|Rashida|Zahida|Sajida|Khalida|
Hamida|Naheed|Shagufta|Shahida|Yasmin|Rahima|Karima|Halima|Salma|Sana|Hina|Noor Jahan|Zahra|Jannat|Hawa|Bano|Zarina
"""
_PASHTO_FEMALE = """
Gul Bibi|Zar Bibi|Shah Bibi|Bibi Gul|Gul Jan|Zarmina|Palwasha|Malalai|Nazo|Pashtana|Shaista|Gulalai|Gulnaz|Gul
Pari|Spogmai|Zarghona|Mah Jabeen|Gul Bano|Bibi Hawa|Bibi Amina|Bibi Fatima|Nazia Bibi|Shah Jahan Bibi|Taj Bibi|Sher
Bibi|Noor Bibi|Bakht Bibi|Khial Bibi|Zaitoon|Gul Naz|Samina Bibi|Shireen|Zeba|Nasima|Bas Bibi|Hosai|Storay|Roshan
Bibi|Badam|Pari Gul
"""
_DARI_FEMALE = """
Farishta|Mursal|Marzia|Masuma|Nargis|Parwana|Shakila|Latifa|Nafisa|Soraya|Mahbooba|Roya|Laila|Shirin|Hadia|Sharifa|
Fawzia|Nazanin|Tamana|Freshta|Zakia|Sima|Mina|Sabira|Gul Afroz|Malika|Hakima|Nazifa|Sediqa|Wahida|Marjan|Nilofar|Homa|
Fariba|Khatera|Mahnaz|Shukria|Bibi Zahra|Gulsom|Arezo
"""
_URDU_FEMALE = """
Kaneez Fatima|Ghulam Fatima|Sumaira|Nadia|Noreen|Iram|Sobia|Rabia|Shumaila|Misbah|Sidra|Anam|Mehnaz|Mumtaz|Iqra|
Mehwish|Uzma|Sughra|Kubra|Tasneem|Tabassum|Robina|Nighat|Shaheen|Afshan|Farhat|Ishrat|Riffat|Ghazala|Nasim Akhtar|
Shehnaz|Naila|Huma|Lubna|Fouzia|Aneela|Ambreen|Saba|Aqsa|Maria
"""
_PUNJABI_FEMALE = """
Allah Rakhi|Allah Wasai|Sughran|Nooran|Bashiran|Rasheedan|Hakim Bibi|Mai Bhagi|Jamila|Naziran|Hanifan|Zaitoon
Bibi|Rehmat Bibi|Barkat Bibi|Iqbal Bibi|Sardaran|Razia Bibi|Khursheed|Manzooran|Parveen Akhtar|Shamim Akhtar|Nasreen
Akhtar|Kausar|Rukhsana Kausar|Safia|Surayya|Sakina Bibi|Ghulam Zohra|Rani|Bilqees
"""
_BALOCH_FEMALE = """
Banadi|Hani|Sammi|Mahrang|Sammo|Sheh Bano|Gohar|Noor Bano|Gul Bano|Bibi Hani|Bakhtawar|Mehtab|Mah Bibi|Dur Bibi|
Mahgunj|Zar Bano|Sazgar|Bibi Janat|Gulnaz Baloch|Mahal|Hasina|Nazbo|Sharee|Baig Bibi|Marvi|Saeeda|Mahnoor|Shahnaz|
Bibi Sakina|Zarjan
"""
_FAMILY = {
    "pashto": """Khan|Yousafzai|Afridi|Shinwari|Durrani|Mohmand|Khattak|Wazir|Mehsud|Bangash|Orakzai|Marwat|Achakzai|
Kakar|Tareen|Ghilzai|Popalzai|Barakzai|Niazi|Swati|Mandokhel|Safi|Utmankhel|Tarkani|Jadoon|Dawar|Bettani|Kasi|Tanoli|
Gandapur|Mashwani|Mamund|Salarzai|Babar|Sherani|Khalil|Daulatzai|Muhammadzai|Kundi|Shirani""",
    "dari": """Hazara|Tajik|Ahmadi|Hussaini|Rahimi|Karimi|Mohammadi|Sadat|Noori|Hashimi|Haidari|Jafari|Rezaei|Sultani|
Amiri|Azizi|Popal|Stanikzai|Ahmadzai|Wardak|Sherzad|Mangal|Zadran|Sahak|Hakimi|Samadi|Nazari|Qaderi|Habibi|Akbari""",
    "urdu": """Qureshi|Siddiqui|Ansari|Hashmi|Syed|Shah|Mirza|Abbasi|Sheikh|Usmani|Farooqi|Rizvi|Naqvi|Zaidi|Jafri|Baig|
Memon|Soomro|Shaikh|Chandio|Solangi|Khoso|Abro|Bhutto|Pitafi|Mallah|Brohi|Junejo|Mangi|Kalhoro""",
    "punjabi": """Malik|Chaudhry|Awan|Jatt|Rajput|Arain|Gujjar|Butt|Bhatti|Cheema|Warraich|Gondal|Khokhar|Mughal|Rana|
Sial|Joiya|Dogar|Kharal|Tiwana|Janjua|Sandhu|Bajwa|Virk|Sahi|Kamboh|Mirani|Langah|Gill|Hiraj""",
    "baloch": """Baloch|Marri|Bugti|Mengal|Rind|Raisani|Jamali|Magsi|Zehri|Lashari|Jatoi|Bizenjo|Khosa|Leghari|Mazari|
Gichki|Domki|Umrani|Sasoli|Notezai|Mohammad Hasni|Kurd|Shahwani|Lehri|Bangulzai|Jamot|Sanjrani|Buledi|Mirwani|
Kenazai""",
}
FEMALE_FAMILY_TITLES = ("Bibi", "Begum", "Khatoon", "Mai")


def _parse(block: str) -> list[str]:
    joined = " ".join(line.strip() for line in block.strip().splitlines())
    joined = joined.replace("| ", "|").replace(" |", "|")
    # A line break inside a name left a space; one inside the separator left none.
    return list(dict.fromkeys(" ".join(name.split()) for name in joined.split("|") if name.strip()))


def _interleave(own: str, shared: str, step: int = 1) -> list[str]:
    """A group's names alternate with the names common to all groups, so that both rank high."""
    a, b = _parse(own), _parse(shared)[::step]
    mixed = [n for pair in itertools.zip_longest(a, b) for n in pair if n]
    return list(dict.fromkeys(mixed))


GIVEN = {
    ("M", "pashto"): _interleave(_PASHTO_MALE, _SHARED_MALE),
    ("M", "dari"): _interleave(_DARI_MALE, _SHARED_MALE, 2),
    ("M", "urdu"): _interleave(_URDU_MALE, _SHARED_MALE),
    ("M", "punjabi"): _interleave(_PUNJABI_MALE, _SHARED_MALE),
    ("M", "baloch"): _interleave(_BALOCH_MALE, _SHARED_MALE),
    ("F", "pashto"): _interleave(_PASHTO_FEMALE, _SHARED_FEMALE),
    ("F", "dari"): _interleave(_DARI_FEMALE, _SHARED_FEMALE, 2),
    ("F", "urdu"): _interleave(_URDU_FEMALE, _SHARED_FEMALE),
    ("F", "punjabi"): _interleave(_PUNJABI_FEMALE, _SHARED_FEMALE),
    ("F", "baloch"): _interleave(_BALOCH_FEMALE, _SHARED_FEMALE),
}
FAMILY = {group: _parse(block) for group, block in _FAMILY.items()}

# Romanisations seen in registration lists; the first is the most common.
_SPELLING_TABLE = """Muhammad/Mohammad/Mohammed/Muhammed/Mohd/Md Yousaf/Yusuf/Yousuf/Yosuf Rehman/Rahman Rahman/Rehman
Khadija/Khadijah/Khdija Bibi/Bibie/Bibi Ahmad/Ahmed/Ahmid Hussain/Husain/Hussein/Hossain Hassan/Hasan/Hasaan
Umar/Omar/Umer Usman/Osman/Usmaan Ali/Aly Ayesha/Aisha/Aysha/Aesha Zainab/Zenab/Zaynab/Zeenab
Maryam/Mariam/Maryum/Mariyam
Amina/Aamina/Ameena/Amena Hajra/Hajira/Hajrah Nasreen/Nasrin/Nasreena Parveen/Parvin/Perveen/Parveena Naseem/Nasim
Razia/Raziya/Raziyah Sakina/Sakeena/Sakinah Zubaida/Zubeda/Zubeida Kulsoom/Kulsum/Kalsoom/Kalsum Samina/Sameena/Saminah
Shamim/Shameem Rubina/Robina/Rubeena Fatima/Fatema/Fatimah/Fatma Yaqoob/Yaqub/Yakub/Yaqoub Younas/Younis/Yunus/Yunas
Idrees/Idris/Idres Ilyas/Ilias/Elyas Suleman/Sulaiman/Suleiman/Sulman Ishaq/Ishaque/Ishak Ismail/Esmail/Ismael
Ibrahim/Ebrahim/Ibraheem Iqbal/Iqbaal/Ikbal Akram/Akrum Aslam/Aslum Ashraf/Ashruf Saleem/Salim Rafiq/Rafique/Rafeeq
Shafiq/Shafique/Shafeeq Hameed/Hamid/Hamed Majeed/Majid/Majeed Kareem/Karim/Kareem Raheem/Rahim/Rahem Qadir/Qadeer/Kadir
Ghani/Gani Wahab/Wahhab Razzaq/Razaq/Razzak Sattar/Satar Jabbar/Jabar Latif/Lateef Aziz/Azeez Qayyum/Qayum/Qayoom
Khaliq/Khaleeq Noor/Nur/Nour Gul/Gull Sher/Shir Faiz/Faez Javed/Jawed/Javaid Pervaiz/Parvez/Pervez/Parwiz
Mehmood/Mahmood/Mahmud Masood/Masud Farooq/Faruq/Farooque Zulfiqar/Zulfikar Iftikhar/Eftikhar Mushtaq/Mushtaque
Ishtiaq/Ishtiaque Yasir/Yasser/Yaser Aamir/Amir/Aamer Nadeem/Nadim Naveed/Navid/Naved Waheed/Wahid Zahid/Zaheed
Shahid/Shaheed Sajid/Sajjad Tariq/Tarik/Tareq Khalid/Khaled Rashid/Rasheed Saeed/Saeid/Said Akbar/Akber Zaman/Zamaan
Fazal/Fazl/Fazil Wali/Walli Haq/Haque/Huq Taj/Taaj Sardar/Sirdar Badshah/Badsha Jehangir/Jahangir Sultan/Sultaan
Sayed/Syed/Sayyed/Said Syed/Sayed/Sayyid Ghulam/Gulam/Golam Rasool/Rasul Mustafa/Mustafah/Mostafa Abbas/Abas
Haider/Haidar/Hyder Sarwar/Sarvar Farid/Fareed Nabi/Nabee Bakhsh/Baksh/Bux/Bakhsh Rakha/Rakkha Ditta/Dita
Wasaya/Wasaia Din/Deen/Dean Nawaz/Niwaz Ramzan/Ramazan/Ramadan Riaz/Riyaz Amin/Ameen Afzal/Afzel Sadiq/Saddique/Sadique
Siddique/Siddiq/Sadiq Anwar/Anwer Akhtar/Akhter/Akhtar Jameel/Jamil Arshad/Irshad Rizwan/Rezwan Zubair/Zubeir
Waseem/Wasim Kashif/Kashef Naeem/Naim Salman/Salmaan Adil/Aadil Faheem/Fahim Sohail/Suhail/Sohel Qasim/Kasim/Qasem
Sharif/Shareef Jan/Jaan Dost/Dust Murad/Muraad Mehrab/Mihrab Dilawar/Dilawer Gulzar/Gulzaar Sohrab/Suhrab
Rustam/Rostam Hazar/Hazaar Nazar/Nazer Bashir/Basheer Nazir/Nazeer Munir/Muneer Sabir/Sabeer Ghafoor/Ghafur
Shakoor/Shakur Mumtaz/Mumtaaz Asghar/Asgher Amjad/Amjed Tanveer/Tanvir Tahir/Taher Zafar/Zafer Jamshed/Jamshaid/Jamshid
Shabana/Shabanah Rukhsana/Rukhsanah/Rukhsaana Shazia/Shaziya Saima/Saema Sadia/Saadia/Sadiya Farzana/Farzanah
Nusrat/Nosrat Bushra/Bushrah Asma/Asmaa Nazia/Naziya Tahira/Tahirah Rashida/Rasheeda Zahida/Zaheeda Sajida/Sajeeda
Khalida/Khaleda Hamida/Hameeda Naheed/Nahid Shagufta/Shugufta Shahida/Shaheeda Yasmin/Yasmeen/Yasmine
Rahima/Raheema Karima/Kareema Halima/Haleema Salma/Salmah Jahan/Jehan Zahra/Zehra/Zahara Jannat/Janat/Jannet
Hawa/Hawwa/Hava Bano/Banu Zarina/Zareena Zarmina/Zarmeena Zarghona/Zarghuna Shaista/Shaesta Gulalai/Gulalay
Palwasha/Palwashe Spogmai/Spogmay Farishta/Fereshta Masuma/Masooma/Masoumah Nargis/Narges Shakila/Shakeela
Latifa/Lateefa Nafisa/Nafeesa Soraya/Suraya/Surayya Mahbooba/Mahbuba Laila/Layla/Leila Shirin/Shireen/Sherin
Sharifa/Shareefa Fawzia/Fauzia/Fouzia Tamana/Tamanna Sumaira/Sumera/Sumaera Iram/Irum/Erum Rabia/Rabiya Sughra/Sughran
Kausar/Kousar/Kawsar Safia/Safiya Bilqees/Bilqis Khan/Khaan Yousafzai/Yusufzai/Yousufzai/Yusafzai Afridi/Apridi
Shinwari/Shinwary Durrani/Durani Mohmand/Momand Khattak/Khatak Achakzai/Achakzay Kakar/Kakkar Tareen/Tarin
Chaudhry/Chaudhary/Choudhry/Ch Qureshi/Qureshy/Quraishi Sheikh/Shaikh/Shaykh Mughal/Moghal Hussaini/Husaini/Hosseini
Baloch/Baluch/Balouch Bugti/Bughti Marri/Mari Hazara/Hazarah Ahmadi/Ahmedi Mohammadi/Muhammadi/Mohamadi
Siddiqui/Siddiqi/Sidiqui Rizvi/Rizwi Naqvi/Naqwi Abbasi/Abbasy Bhatti/Bhati Cheema/Chima Rajput/Rajpoot Gujjar/Gujar
Awan/Awaan Memon/Meman Soomro/Sumro Jatoi/Jatoee Leghari/Laghari Mazari/Mazaari Raisani/Raisaani Begum/Begam
Khatoon/Khatun/Khatoun"""
TOKEN_SPELLINGS = {token.split("/")[0]: token.split("/") for token in _SPELLING_TABLE.split()}
# Name-forming particles written attached or apart: "Habib Ullah", "Habibullah", "Habib-Ullah".
ULLAH_FORMS = ("{a} Ullah", "{a}ullah", "{a}-Ullah", "{a} Ulla")
MAX_SPELLINGS = 8
SPELLING_TAIL = 0.35  # P(a registration writes a less common spelling than the n-th one), geometric


def _token_forms(token: str) -> list[str]:
    return TOKEN_SPELLINGS.get(token, [token])


def spellings(name: str) -> list[str]:
    """Spellings of one canonical name, most common first: token romanisations, then how particles attach."""
    tokens = name.split()
    forms: list[tuple[int, str]] = []
    if len(tokens) == 2 and tokens[1] == "Ullah":
        for i, head in enumerate(_token_forms(tokens[0])):
            forms += [(i + j, pattern.format(a=head)) for j, pattern in enumerate(ULLAH_FORMS)]
    elif len(tokens) == 3 and tokens[1] in ("ud", "ur"):
        head_forms, tail_forms, p = _token_forms(tokens[0]), _token_forms(tokens[2]), tokens[1]
        for (i, head), (k, tail) in itertools.product(enumerate(head_forms), enumerate(tail_forms)):
            options = (f"{head} {p} {tail}", f"{head}{p}{tail.lower()}", f"{head}-{p}-{tail}", f"{head} {tail}")
            forms += [(i + k + j, text) for j, text in enumerate(options)]
    else:
        if tokens[0] == "Abdul" and len(tokens) == 2:
            tails = _token_forms(tokens[1])
            forms += [(k, f"Abdul {t}") for k, t in enumerate(tails)]
            forms += [(k + 1, f"Abdul{t.lower()}") for k, t in enumerate(tails)]
            forms += [(k + 2, f"Abdur {t}") for k, t in enumerate(tails) if t[0] == "R"]
        else:
            products = itertools.product(*(list(enumerate(_token_forms(t))) for t in tokens))
            forms += [(sum(i for i, _ in combo), " ".join(t for _, t in combo)) for combo in products]
    ordered = sorted(dict.fromkeys(forms), key=lambda f: f[0])
    return list(dict.fromkeys(text for _, text in ordered))[:MAX_SPELLINGS]


@dataclass
class NameTable:
    """Every canonical name and its spellings, flattened so that numpy can index them."""

    index: dict[str, int]
    flat: np.ndarray  # spellings of all names, object
    offset: np.ndarray
    count: np.ndarray

    @classmethod
    def build(cls) -> NameTable:
        names = sorted({n for v in GIVEN.values() for n in v} | {n for v in FAMILY.values() for n in v})
        names += [t for t in FEMALE_FAMILY_TITLES if t not in names]
        forms = [spellings(n) for n in names]
        count = np.array([len(f) for f in forms])
        offset = np.concatenate([[0], np.cumsum(count)[:-1]])
        flat = np.array([s for f in forms for s in f], dtype=object)
        return cls({n: i for i, n in enumerate(names)}, flat, offset, count)

    def ids(self, names: list[str]) -> np.ndarray:
        return np.array([self.index[n] for n in names])

    def render(self, canon: np.ndarray, key: np.ndarray, salt: int, avoid: np.ndarray | None = None) -> np.ndarray:
        """Spell each name as registration `key` would: one spelling per (registration, name), common ones first."""
        safe = np.maximum(canon, 0)
        u = hash_unit(key, safe, salt)
        rank = np.minimum(np.floor(np.log1p(-u) / np.log(SPELLING_TAIL)).astype(np.int64), self.count[safe] - 1)
        if avoid is not None:  # forced re-spelling: any spelling but the one of the earlier registration
            clash = (rank == avoid) & (self.count[safe] > 1)
            rank[clash] = (rank[clash] + 1) % self.count[safe][clash]
        return np.where(canon >= 0, self.flat[self.offset[safe] + rank], "")

    def rank_of(self, canon: np.ndarray, key: np.ndarray, salt: int) -> np.ndarray:
        safe = np.maximum(canon, 0)
        u = hash_unit(key, safe, salt)
        return np.minimum(np.floor(np.log1p(-u) / np.log(SPELLING_TAIL)).astype(np.int64), self.count[safe] - 1)


def hash_unit(a: np.ndarray, b: np.ndarray, salt: int) -> np.ndarray:
    """A uniform in [0, 1) that depends only on (a, b, salt): splitmix64 of the combined keys."""
    with np.errstate(over="ignore"):
        x = a.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + b.astype(np.uint64) * np.uint64(0xBF58476D1CE4E5B9)
        x = x + np.uint64(salt & 0xFFFFFFFF) * np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)).astype(np.float64) / float(2**53)
