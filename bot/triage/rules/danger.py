"""Danger-now cues: wording that puts the harm in progress or minutes to hours away (being
followed, held, hurt right now; a meeting tonight; the means in hand).  Kept because removing
them lost two emergencies' flag in the ablation.
"""

from __future__ import annotations

import re

from bot.triage.rules.patterns import _LEISURE_JUMP, _SELF_HARM_VETO
from bot.triage.rules.prefilter import search
from bot.triage.rules.vocabulary import _alt

_DANGER_STRONG = re.compile(
    _alt(
        r"\b(?:me|nos) (?:esta|estan|viene|vienen|anda|andan) (?:siguiendo|persiguiendo"
        r"|buscando)\b",
        r"\b(?:esta|estan) siguiendome\b",
        r"\b(?:estoy|estamos) (?:sangrando|herid[oa]s?|encerrad[oa]s?|escondid[oa]s?"
        r"|atrapad[oa]s?|secuestrad[oa]s?)\b",
        r"\bsangr(?:o|ando) mucho\b",
        r"\b(?:me|nos|la|lo|las|los) (?:tiene|tienen|mantienen) (?:\w+ )?encerrad\w*",
        r"\b(?:me|nos|la|lo|los|las) (?:va|van) a (?:matar|pegar|golpear|violar|sonar|llevar"
        r"|vender|hacer algo|hacer dano|lastimar|quemar|encerrar|partir la cara|partir la boca"
        r"|reventar|quebrar)\b",
        r"\b(?:me|nos) (?:quiere|quieren) matar\b",
        r"\b(?:quiere|quieren|va a|van a) (?:matarme|matarnos)\b",
        r"\b(?:hoy|ahorita|ahora|ya|esta noche|manana) me (?:mato|suicido|voy a matar"
        r"|voy a suicidar|tiro)\b",
        r"\bme voy a (?:tirar|matar|suicidar|colgar|ahorcar|cortar las venas|tomar (?:todas )?"
        r"las pastillas)\b",
        r"\bya tengo (?:las|el|la|una|un) (?:pastillas|veneno|cuchillo|navaja|soga|cuerda"
        r"|gillete|cuchilla|arma|pistola|pildoras)\b",
        r"\btengo (?:las|unas|todas las|el|la) (?:pastillas|pildoras|veneno|navaja|cuchilla|soga"
        r"|gillete) (?:en la mano|listas?|aqui|conmigo)\b",
        r"\b(?:ya )?me tome (?:todas |un monton de |muchas )?(?:las )?(?:pastillas|pildoras"
        r"|veneno|cloro)\b",
        r"\b(?:ya )?(?:se|me) (?:tomo|tome|trago|trague) (?:todo el frasco|el frasco entero"
        r"|todas (?:las|sus|mis) (?:pastillas|pildoras))\b",
        r"\b(?:esta|estan) (?:rompiendo|tumbando|quebrando) la puerta\b|\b(?:rompio|tumbo|quebro)"
        r" la puerta de (?:mi|el|nuestro) cuarto\b",
        r"\bme estoy (?:cortando|muriendo|desangrando|ahogando)\b",
        r"\b(?:me|nos) (?:esta|estan) (?:pegando|golpeando|tocando|ahorcando|amenazando"
        r"|violando|quemando|encerrando|manoseando|jalando|pateando|empujando|cacheteando"
        r"|ahogando)\b",
        r"\b(?:tiene|trae|saco|anda con) (?:un|una) (?:cuchillo|pistola|arma|machete|navaja"
        r"|revolver)\b",
        r"\b(?:esta|estan) (?:tratando de|intentando) (?:entrar|abrir)\b",
        r"\b(?:tratando de|intentando) (?:entrar|abrir) (?:la puerta|el porton|la ventana|a la casa"
        r"|al cuarto)\b",
        r"\bacabo de (?:tomarme|tomar|tragarme|cortarme|hacerme)\b",
        r"\b(?:con candado|con llave|con cadena) por fuera\b",
        r"\b(?:un|una|unos|el|ese) (?:hombre|senor|man|mae|tipo|carro|moto)s? (?:me|nos)"
        r" (?:sigue|siguen|persigue|persiguen)\b(?! en (?:insta|instagram|tiktok|twitter|redes"
        r"|face|facebook|snap|youtube|twitch))(?! \w+(?:ando|iendo)\b)",
        r"\b(?:esta|estan) (?:golpeando|rompiendo|pateando) la puerta\b",
        r"\bno (?:me|nos) (?:deja|dejan) salir (?:de mi cuarto|del cuarto|del bano)\b",
    )
)
_DANGER_TEMPORAL = re.compile(
    # A bare "ahora" counts only at the end of a clause ("me está siguiendo ahora"): "y ahora
    # dice que le debo" tells what followed, not that the danger is now.
    r"\b(?:ahora mismo|ahorita|ahora(?=\s*(?:[?!.,]|$))"
    r"|en este momento|en este instante|ya viene|ya vienen"
    r"|viene para aca|vienen para aca|viene para aqui|esta afuera|estan afuera|esta aqui"
    r"|estan aqui|esta en la puerta|esta llegando|ya llego|esta noche|hoy en la noche"
    r"|en un rato|dentro de poco|ya casi llega|viene por mi|vienen por mi)\b"
)

# Cues that the danger is minutes or hours away, whichever layer found the disclosure.
_DANGER_IMMINENT = re.compile(
    _alt(
        # On the way to, or waiting for, a meeting.
        r"\b(?:voy|ya voy|vamos|ya vamos|estoy yendo|ando yendo|me monte|me subi) (?:camino "
        r"|en camino )?(?:\w+ ){0,5}?(?:a|para) (?:verme|vernos|encontrarme|encontrarnos|juntarme"
        r"|juntarnos|conocerlo|conocerla|ver al|ver a la|ver a un|ver a una)\b",
        r"\b(?:ya )?(?:estoy|estamos) (?:\w+ ){0,4}?esperando (?:a|al|a la|a un|a una|que (?:me"
        r"|nos) recoja)\b",
        r"\b(?:me|nos) (?:va|van|viene|vienen) a (?:recoger|buscar|traer) (?:hoy|ahorita|ahora"
        r"|en un rato|esta noche|esta tarde)\b",
        r"\b(?:hoy|esta noche|esta tarde|ahorita|en un rato) (?:me|nos|se) (?:veo|vemos|ve|va a ver"
        r"|voy a ver|van a ver) con\b",
        r"\bse (?:va|van) a ver (?:hoy|esta noche|esta tarde|ahorita|en un rato)\b",
        # Somebody arriving or staying over tonight.
        r"\b(?:hoy|esta noche|ahorita|en un rato) (?:viene|llega|se queda|va a venir|va a llegar"
        r"|se va a quedar|vienen|llegan)\b",
        r"\b(?:viene|llega|se queda|va a venir|va a llegar|se va a quedar|viene a quedarse|vienen"
        r"|llegan)(?: \w+){0,3}? (?:hoy|esta noche)\b",
        r"\b(?:viene|llega|se queda|va a venir|va a llegar|se va a quedar|viene a quedarse)"
        r" (?:\w+ ){0,2}?a dormir\b",
        r"\b(?:ya )?viene en camino\b",
        # Means in hand, an overdose already taken.
        r"\btengo (?:una|un|la|el|unas|las) (?:navaja|cuchilla|gillete|cuchillo|soga|cuerda"
        r"|pastillas|pildoras|veneno|arma|pistola)\b(?: \w+){0,6}? (?:no se si|no creo que"
        r"|en la mano|aqui|conmigo|listas?)\b",
        r"\bno (?:se|creo) (?:si|que) (?:me )?(?:voy a |vaya a )?(?:aguantar|aguante|aguanto"
        r"|detener|detenga)\b",
        r"\bme (?:tome|trague) (?:\w+ ){0,4}?(?:pastillas|pildoras|veneno|cloro|medicinas"
        r"|acetaminofen|clonazepam)\b(?: \w+){0,5}? hace (?:un rato|rato|poco|media hora|una hora"
        r"|como|\w+ minutos)",
        r"\bhace (?:un rato|rato|poco|media hora|una hora|como (?:una|media) hora|\w+ minutos)"
        r" (?:que )?me (?:tome|trague)\b",
        # High places, plans, farewells.
        r"\b(?:estoy|ya estoy) (?:parad[oa] |sentad[oa] |subid[oa] |aqui )?(?:(?:en|sobre|encima de"
        r"|arriba de|en el borde de|en la orilla de) (?:el|la|un|una)|arriba del|encima del)"
        r" (?:puente|azotea|techo|baranda|borde|orilla|balcon|cornisa|mirador"
        r"|precipicio|barranco|guindo|acantilado|linea del tren|via del tren)\b",
        r"\b(?:ya )?tengo todo (?:listo|planeado|preparado)\b",
        r"\bhoy es el dia\b",
        r"\b(?:me|nos|les) (?:dijo|dice|escribio|mando) adios\b",
        r"\b(?:lo|la) (?:va|voy|vamos|van) a hacer (?:hoy|esta noche|manana|ya|el fin de semana|el"
        r" (?:lunes|martes|miercoles|jueves|viernes|sabado|domingo))\b",
        r"\bse (?:va|iba) a (?:matar|suicidar|colgar|ahorcar|tirar|lanzar|quitar la vida"
        r"|cortar las venas)\b",
        # Held, moved, hidden, followed, cornered.
        r"\b(?:me|nos) (?:encierran|encierra|encerraron|dejan encerrad\w+|dejaron encerrad\w+)"
        r" (?:\w+ )?(?:con llave|con candado|bajo llave)\b",
        r"\b(?:la puerta|el porton) (?:esta |tiene )?(?:con )?(?:candado|llave|cadena)\b",
        r"\bno (?:me|nos) (?:deja|dejan|quieren dejar|quiere dejar) (?:bajar|bajarme|bajarnos)\b",
        r"\bno (?:quiere|quieren) parar\b",
        r"\b(?:me|nos) (?:van|va) a (?:pasar|cruzar|sacar) por\b",
        r"\b(?:estoy|estamos) (?:aqui )?en (?:un|el|la|una|su) (?:cuarto|habitacion|villa"
        r"|apartamento|cabina|yate|hotel|motel)\b(?: \w+){0,4}? con (?:un|una|el|unos|este"
        r"|ese) (?:turista|gringo|extranjero|senor|hombre|man|viejo|cliente|tipo)s?\b",
        r"\b(?:me|nos) (?:esta|estan) esperando (?:afuera|abajo|en la esquina|en el carro"
        r"|en la puerta|en el porton|a la salida|en la salida)\b",
        r"\b(?:me|nos) (?:va|van) a (?:esperar|recoger|buscar) (?:hoy|esta noche|ahorita"
        r"|a la salida"
        r"|en la salida)\b",
        r"\b(?:estoy|estamos|voy|vamos) (?:en el carro|en la moto|en el taxi|en la buseta)"
        r" (?:de|del) (?:un |el |ese |este )?(?:man|senor|tipo|viejo|gringo|turista|hombre|cliente"
        r"|desconocido)\b",
        r"\b(?:ya )?(?:estamos|vamos|voy|estoy) llegando (?:a|al) (?:un |el )?(?:motel|hotel"
        r"|su casa"
        r"|su apartamento|su cuarto|la frontera)\b",
        r"\b(?:me|nos) (?:siguieron|siguio|vienen siguiendo|viene siguiendo) (?:desde|hasta)\b",
        r"\b(?:hay|esta|estan) (?:un|una|unos|el|ese) (?:hombre|senor|man|mae|tipo|carro|moto|viejo"
        r"|desconocido)s? (?:\w+ ){0,3}?(?:afuera|frente a|enfrente de|en la puerta)\b",
        r"\bestoy (?:escondid[oa] )?(?:debajo de la cama|dentro del closet|en el closet)\b",
        r"\bme estoy escondiendo\b",
        r"\b(?:el|ella) esta en la otra (?:pieza|sala|cuarto|habitacion)\b",
        r"\bno puedo (?:hablar|escribir) (?:mucho|mas|duro|fuerte)\b",
        r"\b(?:estan|esta) (?:tocando|golpeando|pateando|aporreando) (?:la puerta|el porton"
        r"|la ventana)\b",
        r"\b(?:me|nos) (?:quieren|quiere|estan tratando de|intentan) (?:meter|subir|llevar) (?:a"
        r"|en)\b",
        r"\bno (?:me|nos) (?:deja|dejan) de seguir\b",
        r"\b(?:estoy|estamos) en peligro\b",
        r"\bllamen (?:a alguien|a la policia|al 911)\b",
        r"\bsi no (?:le |les )?(?:mando|paso|doy|envio|deposito|hago) (?:\w+ ){0,3}?(?:hoy"
        r"|esta noche|ahorita)\b",
    )
)


# Ordinary scrapes and places that the strong danger cues would otherwise read as harm.
_BENIGN_DANGER = re.compile(
    _SELF_HARM_VETO + "|" + _LEISURE_JUMP + r"|\bsangrando de (?:la|el) (?:rodilla|nariz|codo|dedo"
    r"|boca)\b|\bme cai\b|\bencerrad[oa]s? (?:en mi cuarto )?(?:estudiando|jugando|viendo"
    r"|por (?:la cuarentena|la pandemia|el covid|la lluvia))"
)


def _danger_cue(masked: str, leisure_counts: bool = True) -> bool:
    """Whether the wording puts the danger now.  With leisure_counts false, "me voy a tirar a la
    piscina" and the like (which no rule took as harm) do not count as danger."""
    strong = search(_DANGER_STRONG, masked)
    if strong and not leisure_counts and search(_BENIGN_DANGER, masked):
        strong = False
    return strong or search(_DANGER_TEMPORAL, masked) or search(_DANGER_IMMINENT, masked)
